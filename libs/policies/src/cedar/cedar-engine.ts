import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { preparsePolicySet, statefulIsAuthorized, type AuthorizationAnswer, type StatefulAuthorizationCall } from '@cedar-policy/cedar-wasm/nodejs';

/** A policy set as an engine parses it: under its slot (one per tenant and mode), once per generation. */
export interface ParsedSetRef {
  slot: string;
  /** Unique to one compilation: a slot holding another generation is parsed again. */
  generation: number;
  policies: Readonly<Record<string, string>>;
}

export type CedarCall = Omit<StatefulAuthorizationCall, 'preparsedPolicySetId'>;

/**
 * Where Cedar evaluates. Never rejects for a policy reason: a set that does not parse, or a call
 * Cedar refuses, is a `failure` answer; a rejection means the engine itself failed (a dead thread).
 */
export interface CedarEngine {
  authorize(set: ParsedSetRef, call: CedarCall): Promise<AuthorizationAnswer>;
  close(): Promise<void>;
}

const failure = (message: string): AuthorizationAnswer => ({ type: 'failure', errors: [{ message, help: null, code: null, url: null, severity: null }], warnings: [] });

/** Which generation Cedar's preparsed slot holds, per WebAssembly instance (this thread's, or the worker's). */
function authorizeIn(parsed: Map<string, number>, set: { slot: string; generation: number; policies?: Readonly<Record<string, string>> }, call: CedarCall): AuthorizationAnswer {
  if (set.policies !== undefined && parsed.get(set.slot) !== set.generation) {
    const result = preparsePolicySet(set.slot, { staticPolicies: { ...set.policies } });
    if (result.type === 'failure') {
      parsed.delete(set.slot);
      return { type: 'failure', errors: result.errors, warnings: [] };
    }
    parsed.set(set.slot, set.generation);
  }
  if (parsed.get(set.slot) !== set.generation) return failure(`the policy set of slot ${set.slot} is not parsed`);
  return statefulIsAuthorized({ ...call, preparsedPolicySetId: set.slot });
}

/** What this thread's WebAssembly instance holds: one for every InlineCedar, as Cedar's slots are. */
const parsedHere = new Map<string, number>();

/** Cedar on the calling thread: for tests and tools that evaluate a handful of calls. */
export class InlineCedar implements CedarEngine {
  authorize(set: ParsedSetRef, call: CedarCall): Promise<AuthorizationAnswer> {
    try {
      return Promise.resolve(authorizeIn(parsedHere, set, call));
    } catch (error) {
      return Promise.resolve(failure(error instanceof Error ? error.message : String(error)));
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The worker's whole program, plain CommonJS (eval'd: it needs no file of its own next to the
 * compiled or the test-transformed sources). It parses a set when the message carries its
 * policies and evaluates with the slot's preparsed set; whatever throws is a failure answer.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const cedar = require(workerData.cedarPath);
const parsed = new Map();
const failure = (message) => ({ type: 'failure', errors: [{ message, help: null, code: null, url: null, severity: null }], warnings: [] });
parentPort.on('message', ({ id, slot, generation, policies, call }) => {
  let answer;
  try {
    if (policies !== undefined && parsed.get(slot) !== generation) {
      const result = cedar.preparsePolicySet(slot, { staticPolicies: policies });
      if (result.type === 'failure') { parsed.delete(slot); answer = { type: 'failure', errors: result.errors, warnings: [] }; }
      else parsed.set(slot, generation);
    }
    if (answer === undefined) {
      answer = parsed.get(slot) === generation
        ? cedar.statefulIsAuthorized({ ...call, preparsedPolicySetId: slot })
        : failure('the policy set of slot ' + slot + ' is not parsed');
    }
  } catch (error) {
    answer = failure(error && error.message ? String(error.message) : String(error));
  }
  parentPort.postMessage({ id, answer });
});
`;

interface Pending {
  resolve(answer: AuthorizationAnswer): void;
  reject(error: Error): void;
}

/**
 * Cedar on a thread of its own. Evaluating 20 policies costs a few hundred microseconds of CPU
 * per call, which the event loop, the one thread that serves every request and carries every
 * run, need not spend: it posts the call and goes on. Each set is sent to the thread once per
 * generation; a thread that dies fails the calls under way (they are refused: fail closed) and
 * the next call starts a new one, to which every set is sent again. The thread keeps the process
 * alive only while a call is under way.
 */
export class CedarThread implements CedarEngine {
  private worker: Worker | undefined;
  /** Which generation of each slot the current worker was sent. */
  private readonly sent = new Map<string, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  authorize(set: ParsedSetRef, call: CedarCall): Promise<AuthorizationAnswer> {
    if (this.closed) return Promise.reject(new Error('the Cedar thread is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    const policies = this.sent.get(set.slot) === set.generation ? undefined : set.policies;
    this.sent.set(set.slot, set.generation);
    return new Promise<AuthorizationAnswer>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, slot: set.slot, generation: set.generation, policies, call });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    const cedarPath = createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { cedarPath } });
    worker.unref();
    worker.on('message', ({ id, answer }: { id: number; answer: AuthorizationAnswer }) => {
      const pending = this.pending.get(id);
      if (!pending) return;
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      pending.resolve(answer);
    });
    const died = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const call of pending) call.reject(error);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the Cedar thread exited (${code})`)));
    this.worker = worker;
    // A new thread holds no set yet: each is sent again with its next call.
    this.sent.clear();
    return worker;
  }
}
