// Same-origin JSON requests: session cookie auth, CSRF header on writes,
// every request abortable (the viewer aborts them all on destroy()).

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly body: unknown;

  constructor(status: number, detail: string, body: unknown) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.body = body;
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

function detailOf(status: number, statusText: string, body: unknown): string {
  if (body && typeof body === 'object') {
    const detail = (body as Record<string, unknown>).detail;
    if (typeof detail === 'string' && detail) return detail;
    // DRF field errors: {"field": ["message"]}
    const parts = Object.entries(body as Record<string, unknown>).map(([k, v]) =>
      `${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}`,
    );
    if (parts.length) return parts.join('; ');
  }
  if (typeof body === 'string' && body && body.length < 300) return body;
  return `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
}

async function readBody(resp: Response): Promise<unknown> {
  const text = await resp.text();
  if (!text) return null;
  const type = resp.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export interface RequestOptions {
  signal?: AbortSignal;
  method?: 'GET' | 'POST';
  body?: unknown;
  csrfToken?: string;
  accept?: string;
}

export async function requestJson<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && opts.csrfToken) headers['X-CSRFToken'] = opts.csrfToken;
  const resp = await fetch(url, {
    method,
    headers,
    body,
    credentials: 'same-origin',
    signal: opts.signal,
  });
  const parsed = await readBody(resp);
  if (!resp.ok) {
    throw new ApiError(resp.status, detailOf(resp.status, resp.statusText, parsed), parsed);
  }
  return parsed as T;
}
