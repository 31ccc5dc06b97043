import { Client as ClientV2, SdkError, SdkErrorCode, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, McpError, UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { runPythonInteropClient } from './python-interop-client.js';

// One interop scenario, four MCP clients we did not write. Each client runs each part its own
// way (its own API, found in its SDK's sources) and reports what it saw in the same shape, so
// test/interop-clients.system.spec.ts judges every client with the same assertions.

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
export type Revision = typeof MODERN | typeof LEGACY;

export const IDEMPOTENCY_KEY_META = 'io.ledgerline/idempotency-key';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
const TERMINAL = ['completed', 'failed', 'cancelled'];
const TASK_DEADLINE_MS = 30_000;

export interface ToolResultView {
  isError: boolean;
  structured: unknown;
  /** The first text block (a tool error's JSON `{ error: { code, … } }`). */
  text: string | null;
}

export interface RaisedView {
  /** The JSON-RPC error code when the error came over MCP, else the SDK's own code or null. */
  code: number | string | null;
  message: string;
  data: unknown;
}

/** A tools/call that answered (`result`) or raised (`raised`). */
export interface Outcome {
  result?: ToolResultView;
  raised?: RaisedView;
}

/** One POST the client made: its JSON-RPC method, its MCP-Protocol-Version header and the status. */
export interface Exchange {
  method: string | null;
  protocolVersion: string | null;
  status: number;
}

export interface BasicReport {
  protocolVersion: string;
  exchanges: Exchange[];
  tools: string[];
  put: Outcome;
  got: Outcome;
  invalidArguments: Outcome;
  unknownTool: Outcome;
  /** memory_put with an idempotency key, the same call again, then once more without the key. */
  idempotent: { first: Outcome; again: Outcome; withoutKey: Outcome };
}

export interface TaskTrail {
  /** The task-creating tools/call result, as it came over the wire. */
  created?: Record<string, unknown>;
  /** The status of every tasks/get, in order. */
  statuses?: string[];
  /** The terminal tasks/get (its inlined result left out). */
  final?: Record<string, unknown>;
}

export interface TaskReport {
  protocolVersion: string;
  /** How the client did it (its API, or the raw requests where it has none). */
  via: string;
  task: TaskTrail;
  /** The CallToolResult of the task. */
  result: Outcome;
}

export interface ConfirmReport {
  protocolVersion: string;
  // 2026-07-28: form elicitation inside the call (input_required), answered by the client's handler.
  elicitations?: Record<string, unknown>[];
  accepted?: Outcome;
  declined?: Outcome;
  afterDecline?: Outcome;
  // 2025-11-25: the first call fails with -32042, the person confirms by URL, the identical call is retried.
  first?: Outcome;
  retried?: Outcome;
  /** memory_get of the key the confirmed delete removed. */
  afterAccept?: Outcome;
}

export interface ScenarioInput {
  /** http://…/mcp */
  url: string;
  token: string;
  /** The memory key of this client's calls (clients side by side need their own). */
  key: string;
  value: unknown;
  idempotencyKey: string;
  automation: string;
  arguments: Record<string, unknown>;
  /** What the person does with a URL elicitation (2025-11-25 confirmations). */
  confirmByUrl(url: string): Promise<void>;
}

export interface InteropClient {
  /** For the test names. */
  label: string;
  /** The revision it must land on. */
  revision: Revision;
  basic(input: ScenarioInput): Promise<BasicReport>;
  tasks(input: ScenarioInput): Promise<TaskReport>;
  confirm(input: ScenarioInput): Promise<ConfirmReport>;
}

/** The Python SDK (mcp 2.x from PyPI), in tools/mcp-interop-client/interop_client.py. */
export function pythonClient(python: () => string, mode: 'auto' | 'legacy'): InteropClient {
  const run = <T>(part: 'basic' | 'tasks' | 'confirm', input: ScenarioInput): Promise<T> => runPythonInteropClient<T>(python(), { ...input, mode, part });
  return {
    label: `Python SDK, mode="${mode}"`,
    revision: mode === 'auto' ? MODERN : LEGACY,
    basic: (input) => run<BasicReport>('basic', input),
    tasks: (input) => run<TaskReport>('tasks', input),
    confirm: (input) => run<ConfirmReport>('confirm', input),
  };
}

/** Records every POST of a client's transport; keeps the JSON answers so a test can read what the SDK would not hand over. */
export class RecordingFetch {
  readonly exchanges: Exchange[] = [];
  readonly answers: Array<{ method: string | null; body: unknown }> = [];

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const sent = request.method === 'POST' ? await request.clone().text() : '';
    const response = await fetch(request);
    if (request.method !== 'POST') return response;
    const method = methodOf(sent);
    this.exchanges.push({ method, protocolVersion: request.headers.get('mcp-protocol-version'), status: response.status });
    if (response.headers.get('content-type')?.includes('application/json')) this.answers.push({ method, body: await response.clone().json() });
    return response;
  };

  /** The `result` of the last JSON answer to `method`. */
  lastResultOf(method: string): Record<string, unknown> | undefined {
    const answer = this.answers.filter((entry) => entry.method === method).at(-1)?.body as { result?: Record<string, unknown> } | undefined;
    return answer?.result;
  }
}

function methodOf(body: string): string | null {
  try {
    const method = (JSON.parse(body) as { method?: unknown }).method;
    return typeof method === 'string' ? method : null;
  } catch {
    return null;
  }
}

/** What every SDK's CallToolResult has, for the fields the reports keep. */
type ToolCallShape = { isError?: boolean; structuredContent?: unknown; content?: unknown };

function viewOf(result: ToolCallShape): ToolResultView {
  const blocks = Array.isArray(result.content) ? (result.content as Array<{ type?: string; text?: string }>) : [];
  return { isError: result.isError === true, structured: result.structuredContent ?? null, text: blocks.find((block) => block.type === 'text')?.text ?? null };
}

function raisedOf(error: unknown): RaisedView {
  if (error instanceof McpError) return { code: error.code, message: error.message, data: error.data ?? null };
  if (error instanceof SdkError) return { code: error.code, message: error.message, data: error.data ?? null };
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'number') {
    const { code, data } = error as Error & { code: number; data?: unknown };
    return { code, message: error.message, data: data ?? null };
  }
  return { code: null, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), data: null };
}

async function outcome(call: Promise<ToolCallShape>): Promise<Outcome> {
  try {
    return { result: viewOf(await call) };
  } catch (error) {
    return { raised: raisedOf(error) };
  }
}

/** A connected TypeScript client, as the shared parts use it. */
interface TsSession {
  protocolVersion: string;
  recording: RecordingFetch;
  toolNames(): Promise<string[]>;
  call(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>): Promise<ToolCallShape>;
  close(): Promise<void>;
}

/** What both TypeScript SDKs' Client has, for the calls the shared parts make. */
interface TsClient {
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  callTool(params: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

function sessionOf<C extends TsClient>(client: C, recording: RecordingFetch, protocolVersion: string | undefined): TsSession & { client: C } {
  return {
    client, recording, protocolVersion: protocolVersion ?? '',
    toolNames: async () => (await client.listTools()).tools.map((tool) => tool.name),
    call: (name, args, meta) => client.callTool({ name, arguments: args, ...(meta && { _meta: meta }) }) as Promise<ToolCallShape>,
    close: () => client.close(),
  };
}

/** Runs `part` on a fresh session and closes it, whatever happens. */
async function onSession<S extends TsSession, T>(session: S, part: (session: S) => Promise<T>): Promise<T> {
  try {
    return await part(session);
  } finally {
    await session.close();
  }
}

/** The basic part: the same calls in the same order as interop_client.py's part_basic. */
async function basicOn(session: TsSession, input: ScenarioInput): Promise<BasicReport> {
  const { call } = session;
  const once = { key: `${input.key}-idem`, value: input.value };
  const meta = { [IDEMPOTENCY_KEY_META]: input.idempotencyKey };
  const tools = (await session.toolNames()).sort();
  return {
    protocolVersion: session.protocolVersion,
    exchanges: session.recording.exchanges,
    tools,
    put: await outcome(call('memory_put', { key: input.key, value: input.value })),
    got: await outcome(call('memory_get', { key: input.key })),
    invalidArguments: await outcome(call('memory_put', { key: 'has space', value: 1 })),
    unknownTool: await outcome(call('no_such_tool', {})),
    idempotent: {
      first: await outcome(call('memory_put', once, meta)),
      again: await outcome(call('memory_put', once, meta)),
      withoutKey: await outcome(call('memory_put', once)),
    },
  };
}

/** Puts the two keys the confirm part deletes (`<key>-a`, `<key>-b`). */
async function putConfirmKeys(session: TsSession, input: ScenarioInput): Promise<void> {
  for (const key of [`${input.key}-a`, `${input.key}-b`]) await session.call('memory_put', { key, value: input.value });
}

/** A TypeScript client: every part on a fresh session, the basic part shared, tasks and confirmations its own. */
function tsClient<S extends TsSession>(
  label: string,
  revision: Revision,
  open: (input: ScenarioInput) => Promise<S>,
  parts: { tasks(session: S, input: ScenarioInput): Promise<TaskReport>; confirm(session: S, input: ScenarioInput): Promise<ConfirmReport> },
): InteropClient {
  return {
    label,
    revision,
    basic: async (input) => onSession(await open(input), (session) => basicOn(session, input)),
    tasks: async (input) => onSession(await open(input), (session) => parts.tasks(session, input)),
    confirm: async (input) => onSession(await open(input), (session) => parts.confirm(session, input)),
  };
}

const CLIENT_INFO = { name: 'ledgerline-interop', version: '1.0.0' };

// ---- TypeScript SDK v1 (@modelcontextprotocol/sdk 1.x): 2025-11-25, initialize handshake ----

/** The TypeScript SDK v1 client (`@modelcontextprotocol/sdk`): the 2025-11-25 handshake, stateless HTTP. */
export function typescriptV1Client(): InteropClient {
  const open = async (input: ScenarioInput): Promise<TsSession & { client: ClientV1 }> => {
    const recording = new RecordingFetch();
    // Declares URL elicitation: the 2025-11-25 way a stateless server asks a person to confirm (-32042).
    const client = new ClientV1(CLIENT_INFO, { capabilities: { elicitation: { form: {}, url: {} } } });
    const transport = new TransportV1(new URL(input.url), { requestInit: { headers: { Authorization: `Bearer ${input.token}` } }, fetch: recording.fetch });
    await client.connect(transport);
    return sessionOf(client, recording, transport.protocolVersion);
  };
  return tsClient('TypeScript SDK v1 (@modelcontextprotocol/sdk)', LEGACY, open, {
    async tasks(session, input) {
      // The SDK's experimental tasks API: tools/call with params.task, then tasks/get until
      // terminal, then tasks/result (requestStream in shared/protocol.js).
      const task: TaskTrail = { statuses: [] };
      let result: Outcome = {};
      const stream = session.client.experimental.tasks.callToolStream({ name: input.automation, arguments: input.arguments }, CallToolResultSchema, { task: {} });
      for await (const message of stream) {
        if (message.type === 'taskCreated') task.created = { task: message.task };
        else if (message.type === 'taskStatus') {
          task.statuses!.push(message.task.status);
          if (TERMINAL.includes(message.task.status)) task.final = { ...message.task };
        } else if (message.type === 'result') result = { result: viewOf(message.result) };
        else result = { raised: raisedOf(message.error) };
      }
      return { protocolVersion: session.protocolVersion, via: 'client.experimental.tasks.callToolStream(params, CallToolResultSchema, { task: {} })', task, result };
    },
    async confirm(session, input) {
      await putConfirmKeys(session, input);
      const remove = (): Promise<ToolCallShape> => session.call('memory_delete', { key: `${input.key}-a` });
      const report: ConfirmReport = { protocolVersion: session.protocolVersion };
      try {
        report.first = { result: viewOf(await remove()) };
        return report;
      } catch (error) {
        report.first = { raised: raisedOf(error) };
        // McpError.fromError turns -32042 into UrlElicitationRequiredError (types.js).
        if (!(error instanceof UrlElicitationRequiredError)) return report;
        await input.confirmByUrl(error.elicitations[0]!.url);
      }
      report.retried = await outcome(remove());
      report.afterAccept = await outcome(session.call('memory_get', { key: `${input.key}-a` }));
      return report;
    },
  });
}

// ---- TypeScript SDK v2 (@modelcontextprotocol/client 2.x), versionNegotiation 'auto': 2026-07-28 ----

const TaskStateSchema = z.looseObject({
  resultType: z.string().optional(),
  taskId: z.string(),
  status: z.string(),
  pollIntervalMs: z.number().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.record(z.string(), z.unknown()).optional(),
});

/** The person in front of the v2 client: what it was asked, and what it answers next. */
interface Person {
  asked: Record<string, unknown>[];
  answer: 'accept' | 'decline';
}

/** The TypeScript SDK v2 client (`@modelcontextprotocol/client`) with `versionNegotiation: { mode: 'auto' }`. */
export function typescriptV2Client(): InteropClient {
  const open = async (input: ScenarioInput): Promise<TsSession & { client: ClientV2; person: Person }> => {
    const recording = new RecordingFetch();
    const person: Person = { asked: [], answer: 'accept' };
    const client = new ClientV2(CLIENT_INFO, {
      versionNegotiation: { mode: 'auto' },
      // Sent in every request's _meta envelope (clientCapabilities) once the modern era is negotiated.
      capabilities: { elicitation: { form: {} }, extensions: { [TASKS_EXTENSION]: {} } },
    });
    // The input_required driver fulfils elicitation/create with this handler and retries the call
    // with inputResponses and the same requestState (client.ts _resolveNonCompleteResult).
    client.setRequestHandler('elicitation/create', (request) => {
      person.asked.push(request.params as Record<string, unknown>);
      return person.answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
    await client.connect(new TransportV2(new URL(input.url), { requestInit: { headers: { Authorization: `Bearer ${input.token}` } }, fetch: recording.fetch }));
    return { ...sessionOf(client, recording, client.getNegotiatedProtocolVersion()), person };
  };
  return tsClient("TypeScript SDK v2 (@modelcontextprotocol/client), versionNegotiation 'auto'", MODERN, open, {
    async tasks(session, input) {
      // No tasks extension in the SDK, and its 2026 codec refuses any resultType but complete and
      // input_required before a result schema is consulted (wire/rev2026-07-28/codec.ts
      // decodeResult: UnsupportedResultType), so callTool (and request() with a schema) rejects
      // the CreateTaskResult. The task handle is read from the transport's fetch; the task is
      // then followed with the SDK's generic request() and a result schema (tasks/get is one of
      // the Tasks-extension names that request() lets through with an explicit schema).
      const { client, recording, protocolVersion } = session;
      const task: TaskTrail = { statuses: [] };
      const refused = await outcome(session.call(input.automation, input.arguments));
      const created = recording.lastResultOf('tools/call');
      task.created = created;
      if (refused.raised?.code !== SdkErrorCode.UnsupportedResultType || created?.resultType !== 'task') return { protocolVersion, via: 'client.callTool', task, result: refused };
      const taskId = String(created.taskId);
      const deadline = Date.now() + TASK_DEADLINE_MS;
      let interval = typeof created.pollIntervalMs === 'number' ? created.pollIntervalMs : 200;
      for (;;) {
        const { result, ...state } = await client.request({ method: 'tasks/get', params: { taskId } }, TaskStateSchema);
        task.statuses!.push(state.status);
        if (TERMINAL.includes(state.status)) {
          task.final = state;
          const view: Outcome = result ? { result: viewOf(result) } : { raised: { code: null, message: `task ended ${state.status}`, data: state.error ?? null } };
          return { protocolVersion, via: "callTool refused (UnsupportedResultType); task id from the transport's fetch; client.request({ method: 'tasks/get' }, schema)", task, result: view };
        }
        if (Date.now() > deadline) throw new Error(`task ${taskId} still ${state.status} after ${TASK_DEADLINE_MS} ms`);
        interval = state.pollIntervalMs ?? interval;
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },
    async confirm(session, input) {
      const { call, person } = session;
      await putConfirmKeys(session, input);
      const accepted = await outcome(call('memory_delete', { key: `${input.key}-a` }));
      const afterAccept = await outcome(call('memory_get', { key: `${input.key}-a` }));
      person.answer = 'decline';
      const declined = await outcome(call('memory_delete', { key: `${input.key}-b` }));
      const afterDecline = await outcome(call('memory_get', { key: `${input.key}-b` }));
      return { protocolVersion: session.protocolVersion, elicitations: person.asked, accepted, afterAccept, declined, afterDecline };
    },
  });
}
