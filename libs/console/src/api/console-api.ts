/** A refusal of the REST API, as its error body gives it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Per-field problems: `details.issues` ({path, message}) or `details.problems` (messages). */
  get problems(): Array<{ path: string | undefined; message: string }> {
    const { issues, problems } = this.details;
    if (Array.isArray(issues)) {
      return issues.map((issue: unknown) => {
        const { path, message } = (issue ?? {}) as { path?: unknown; message?: unknown };
        return { path: Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : undefined, message: String(message ?? issue) };
      });
    }
    if (Array.isArray(problems)) return problems.map((problem: unknown) => ({ path: undefined, message: String(problem) }));
    return [];
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/**
 * The console's only way to data: the platform's REST API, called on this instance's own address
 * with the person's access token, exactly as any other client would call it.
 */
export class ConsoleApi {
  constructor(
    private readonly origin: string,
    private readonly token: () => Promise<string>,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.call<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }

  /** The raw answer, for downloads streamed through to the browser. */
  async stream(path: string, query: Query = {}): Promise<Response> {
    const response = await fetch(`${this.origin}${withQuery(path, query)}`, { headers: { authorization: `Bearer ${await this.token()}` } });
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  }

  /** An endpoint every client reads without a token (the export keys): no token is sent to it. */
  async publicText(path: string): Promise<string> {
    const response = await fetch(`${this.origin}${path}`);
    if (!response.ok) throw await apiErrorOf(response);
    return response.text();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.origin}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw await apiErrorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    return new ApiError(response.status, String(code ?? 'api.error'), String(message ?? response.statusText), typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {});
  }
  // OAuth challenges: {"error":"insufficient_scope","error_description":…}.
  const description = (body as { error_description?: unknown } | undefined)?.error_description;
  return new ApiError(response.status, typeof error === 'string' ? error : `http.${response.status}`, typeof description === 'string' ? description : response.statusText, {});
}
