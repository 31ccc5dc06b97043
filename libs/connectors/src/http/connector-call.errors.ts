import { IllegalStateError } from '#core';

export type ConnectorErrorClass = 'timeout' | 'rate_limited' | 'server' | 'client' | 'network' | 'redirect' | 'response_too_large';

const RETRYABLE: Readonly<Record<ConnectorErrorClass, boolean>> = {
  timeout: true,
  rate_limited: true,
  server: true,
  network: true,
  client: false,
  // A redirect could lead off the allow-list, and the same call will be redirected again.
  redirect: false,
  response_too_large: false,
};

/** Where a call went, as errors may show it: never the query string, which may hold the secret. */
export interface ConnectorTarget {
  method: string;
  host: string;
  path: string;
}

export interface ConnectorCallErrorInit {
  code: string;
  message: string;
  errorClass: ConnectorErrorClass;
  target: ConnectorTarget;
  status?: number;
  retryAfterMs?: number;
  /** Start of the error response's body, secret redacted: downstream validation messages help. */
  responseBody?: string;
  cause?: unknown;
}

/**
 * A connector call that reached (or tried to reach) the downstream system and failed. `retryable`
 * tells a run whether repeating the call with the same idempotency key may succeed; `retryAfterMs`
 * is the downstream's own hint, when it gave one.
 */
export class ConnectorCallError extends IllegalStateError {
  readonly errorClass: ConnectorErrorClass;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(init: ConnectorCallErrorInit) {
    const retryable = RETRYABLE[init.errorClass];
    super(
      init.code,
      init.message,
      {
        errorClass: init.errorClass,
        retryable,
        ...init.target,
        ...(init.status !== undefined && { status: init.status }),
        ...(init.retryAfterMs !== undefined && { retryAfterMs: init.retryAfterMs }),
        ...(init.responseBody !== undefined && { responseBody: init.responseBody }),
      },
      { cause: init.cause },
    );
    this.errorClass = init.errorClass;
    this.retryable = retryable;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * The caller's own signal aborted the call (shutdown, run cancelled): not a downstream failure,
 * so no ConnectorCallError. Named AbortError so generic abort handling recognises it.
 */
export class ConnectorAbortedError extends IllegalStateError {
  constructor(target: ConnectorTarget, options?: { cause?: unknown }) {
    super('connector.aborted', `${describeTarget(target)} was aborted by the caller`, { ...target }, options);
    this.name = 'AbortError';
  }
}

export function describeTarget(target: ConnectorTarget): string {
  return `${target.method} ${target.host}${target.path}`;
}
