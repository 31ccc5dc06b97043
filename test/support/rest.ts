/** One admin REST answer, read whole: status, headers, raw text and the JSON body (`{}` when there is none or it is not JSON). */
export interface RestAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

/** Real HTTP to the started platform; `body` is sent as JSON unless it is already a string. */
export async function rest(baseUrl: string, method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<RestAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    // not JSON: an export download, an empty answer
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
