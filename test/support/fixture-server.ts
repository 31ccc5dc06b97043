import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Parsed JSON when the content type is JSON, the text otherwise, undefined when empty. */
  body: unknown;
  idempotencyKey: string | undefined;
  /** Date.now() when the request body had been read. */
  at: number;
}

export interface FixtureAnswer {
  /** Default 200. */
  status?: number;
  /** JSON-encoded unless a string (sent as text/plain). Default for 2xx: { ok: true, path, received, id }. */
  body?: unknown;
  /** A text body of this many bytes instead of `body`, for response size limits. */
  bodyBytes?: number;
  headers?: Record<string, string>;
  retryAfter?: string;
  /** Holds the answer back this long (the socket stays open). A 2xx is still accepted on arrival: a response lost in transit. */
  hangMs?: number;
}

export interface FixtureEffect {
  path: string;
  /** '' for requests that came without a key: never deduplicated, so they show up as repeated effects. */
  idempotencyKey: string;
  body: unknown;
}

export interface FixtureServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request received, in order, replays included. */
  requests: FixtureRequest[];
  /** Effects accepted: the first 2xx-answered request per (path, idempotency key); repeats with the same key get the same stored response and are not new effects. */
  effects(): FixtureEffect[];
  /** Number of accepted effects per `${path} ${idempotencyKey}`: a test asserts every value is exactly 1. */
  effectCounts(): Map<string, number>;
  /** Queues the next answers for a path (method-insensitive), after any still queued; then the default answer applies again. */
  script(path: string, answers: FixtureAnswer[]): void;
  /** Sets the default answer for a path (method-insensitive). */
  respond(path: string, answer: FixtureAnswer): void;
  /** Most requests in flight at once since start or the last reset. */
  concurrentPeak(): number;
  /** Forgets requests, effects, stored responses, scripts and answers. */
  reset(): void;
  /** Destroys open sockets, hanging ones included. */
  close(): Promise<void>;
}

interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  payload: Buffer;
}

const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/**
 * A tenant's downstream system for tests, on 127.0.0.1 and a free port, with the idempotency
 * semantics of a payments API: a 2xx answer to (path, Idempotency-Key) is stored and replayed
 * (header `idempotent-replayed: true`) to any later request with the same key; failures are not
 * stored, so the client may retry them with the same key.
 */
export async function startFixtureServer(): Promise<FixtureServer> {
  const requests: FixtureRequest[] = [];
  const effects: FixtureEffect[] = [];
  const stored = new Map<string, StoredResponse>();
  const scripts = new Map<string, FixtureAnswer[]>();
  const defaults = new Map<string, FixtureAnswer>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let peak = 0;
  let nextId = 1;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.on('close', () => inFlight--);
    const url = new URL(req.url ?? '/', 'http://fixture.invalid');
    const headers = flattenHeaders(req);
    const text = (await readRequestBody(req)).toString('utf8');
    const key = headers['idempotency-key'];
    const request: FixtureRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: parseBody(text, headers['content-type']),
      idempotencyKey: key,
      at: Date.now(),
    };
    requests.push(request);
    const storeKey = key === undefined ? undefined : `${request.path} ${key}`;
    const replay = storeKey === undefined ? undefined : stored.get(storeKey);
    if (replay) return send(res, { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } });

    const answer = scripts.get(request.path)?.shift() ?? defaults.get(request.path) ?? {};
    const response = render(answer, request, () => nextId++);
    if (response.status >= 200 && response.status < 300) {
      effects.push({ path: request.path, idempotencyKey: key ?? '', body: request.body });
      if (storeKey !== undefined) stored.set(storeKey, response);
    }
    if (answer.hangMs === undefined) return send(res, response);
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, response);
    }, answer.hangMs);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    effects: () => [...effects],
    effectCounts: () => {
      const counts = new Map<string, number>();
      for (const effect of effects) {
        const key = `${effect.path} ${effect.idempotencyKey}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    script: (path, answers) => {
      scripts.set(path, [...(scripts.get(path) ?? []), ...answers]);
    },
    respond: (path, answer) => {
      defaults.set(path, answer);
    },
    concurrentPeak: () => peak,
    reset: () => {
      requests.length = 0;
      effects.length = 0;
      stored.clear();
      scripts.clear();
      defaults.clear();
      peak = inFlight;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function render(answer: FixtureAnswer, request: FixtureRequest, newId: () => number): StoredResponse {
  const status = answer.status ?? 200;
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
  if (answer.bodyBytes !== undefined) return { status, headers: { 'content-type': 'text/plain', ...headers }, payload: Buffer.alloc(answer.bodyBytes, 'x') };
  const ok = status >= 200 && status < 300;
  const body = answer.body ?? (ok ? { ok: true, path: request.path, received: request.body ?? null, id: newId() } : { ok: false, status, path: request.path });
  if (typeof body === 'string') return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, payload: Buffer.from(body) };
  return { status, headers: { 'content-type': 'application/json', ...headers }, payload: Buffer.from(JSON.stringify(body)) };
}

function send(res: ServerResponse, response: StoredResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, { ...response.headers, 'content-length': String(response.payload.length) });
  res.end(response.payload);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total > MAX_REQUEST_BYTES) throw new Error('fixture request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.toLowerCase().includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
