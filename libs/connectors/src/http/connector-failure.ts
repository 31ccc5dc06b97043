import { ConnectorAbortedError, ConnectorCallError, describeTarget, type ConnectorTarget } from './connector-call.errors.js';
import { isErrorLike, redactedCause, redactedPrefix, redactSecret, secretSpan } from './redact-secret.js';
import { readBodyBytes, ResponseTooLargeError, utf8Prefix } from './response-body.js';
import { parseRetryAfter } from './retry-after.js';

const ERROR_BODY_CHARS = 2048;

export interface CallContext {
  target: ConnectorTarget;
  secret: string | undefined;
  /** The call's on-behalf-of assertion: redacted like the secret from what the downstream answers. */
  assertion: string | undefined;
  timeoutMs: number;
  timeout: AbortSignal;
  callerSignal: AbortSignal | undefined;
}

/**
 * Classifies a failure before or while reading a response by what is known for certain (which
 * signal fired, which error type was thrown), never by error message text.
 */
export function transportFailure(error: unknown, context: CallContext): Error {
  const { target } = context;
  if (context.callerSignal?.aborted) return new ConnectorAbortedError(target, { cause: context.callerSignal.reason });
  if (error instanceof ResponseTooLargeError) {
    return new ConnectorCallError({
      code: 'connector.response_too_large',
      message: `${describeTarget(target)} answered with a body larger than ${error.maxBytes} bytes`,
      errorClass: 'response_too_large',
      target,
    });
  }
  const cause = redactedCause(error, context.secret);
  if (context.timeout.aborted) {
    return new ConnectorCallError({
      code: 'connector.timeout',
      message: `${describeTarget(target)} timed out after ${context.timeoutMs} ms`,
      errorClass: 'timeout',
      target,
      cause,
    });
  }
  const code = innermostCode(error);
  return new ConnectorCallError({
    code: 'connector.network',
    message: `${describeTarget(target)} failed without a response${code ? ` (${code})` : ''}`,
    errorClass: 'network',
    target,
    cause,
  });
}

/** The error for a response that is not 2xx; reads the start of its body for the downstream's reason. */
export async function statusFailure(response: Response, context: CallContext): Promise<ConnectorCallError> {
  const { target } = context;
  const status = response.status;
  if (status >= 300 && status < 400) {
    await response.body?.cancel().catch(() => undefined);
    return new ConnectorCallError({
      code: 'connector.redirect',
      message: `${describeTarget(target)} answered ${status} (redirect, not followed)`,
      errorClass: 'redirect',
      target,
      status,
    });
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  const responseBody = await errorBody(response, context.secret, context.assertion);
  const common = { target, status, ...(retryAfterMs !== undefined && { retryAfterMs }), ...(responseBody !== undefined && { responseBody }) };
  const hint = retryAfterMs === undefined ? '' : `, retry after ${retryAfterMs} ms`;
  if (status === 429) {
    return new ConnectorCallError({ ...common, code: 'connector.rate_limited', message: `${describeTarget(target)} answered 429 (rate limited${hint})`, errorClass: 'rate_limited' });
  }
  if (status === 408 || status >= 500) {
    const code = status === 408 ? 'connector.http_408' : 'connector.http_5xx';
    return new ConnectorCallError({ ...common, code, message: `${describeTarget(target)} answered ${status}${hint}`, errorClass: 'server' });
  }
  return new ConnectorCallError({ ...common, code: 'connector.http_4xx', message: `${describeTarget(target)} answered ${status}`, errorClass: 'client' });
}

async function errorBody(response: Response, secret: string | undefined, assertion: string | undefined): Promise<string | undefined> {
  try {
    // Up to 4 bytes a character, plus room to see a secret that straddles the cut whole.
    const maxBytes = (ERROR_BODY_CHARS + secretSpan(secret)) * 4;
    const text = utf8Prefix(await readBodyBytes(response, maxBytes, 'truncate'), maxBytes);
    // An assertion cut off at the end is no credential any more (its signature is gone); a whole one is redacted.
    return text === '' ? undefined : redactSecret(redactedPrefix(text, secret, ERROR_BODY_CHARS), assertion);
  } catch {
    // The status already tells what happened; a body cut off by the timeout adds nothing.
    return undefined;
  }
}

function innermostCode(error: unknown): string | undefined {
  let code: string | undefined;
  for (let current: unknown = error, depth = 0; isErrorLike(current) && depth < 4; current = current.cause, depth++) {
    if (typeof current.code === 'string' && /^[A-Z0-9_]+$/.test(current.code)) code = current.code;
  }
  return code;
}
