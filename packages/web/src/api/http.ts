import { ApiProblemError, networkProblem, parseProblem } from './problem';

export type QueryValue = string | number | boolean | undefined | null;

/** `/api/...` path with the defined query values appended, in the given order. */
export function apiUrl(path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

export function encodeSegment(value: string | number): string {
  return encodeURIComponent(String(value));
}

export function versionPath(name: string, ref: string | number): string {
  return `/models/${encodeSegment(name)}/versions/${encodeSegment(ref)}`;
}

async function send(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    throw new ApiProblemError(networkProblem(error));
  }
  if (!res.ok) throw new ApiProblemError(parseProblem(res.status, res.statusText, await res.text()));
  return res;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await send(url, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  return (await res.json()) as T;
}

export async function sendJson<T>(
  method: string,
  url: string,
  body: unknown,
  signal?: AbortSignal,
): Promise<T> {
  const res = await send(url, {
    method,
    // A body-less request (DELETE) sends no JSON content type: the server would expect a body.
    headers:
      body === undefined
        ? { accept: 'application/json' }
        : { 'content-type': 'application/json', accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal ? { signal } : {}),
  });
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

export async function sendBytes<T>(url: string, contentType: string, body: Blob): Promise<T> {
  const res = await send(url, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/json' },
    body,
  });
  return (await res.json()) as T;
}

export async function getText(url: string, signal?: AbortSignal): Promise<string> {
  const res = await send(url, {
    headers: { accept: 'text/plain, text/markdown, */*' },
    ...(signal ? { signal } : {}),
  });
  return res.text();
}

/** POSTs JSON to a route that answers with a file (e.g. a rewrite's sparse patch). */
export async function postJsonForBlob(url: string, body: unknown): Promise<Blob> {
  const res = await send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/octet-stream, application/json' },
    body: JSON.stringify(body),
  });
  return res.blob();
}

/** POSTs a multipart form (fields first, then files, as the server reads the stream in order). */
export async function sendForm<T>(url: string, form: FormData): Promise<T> {
  const res = await send(url, { method: 'POST', headers: { accept: 'application/json' }, body: form });
  return (await res.json()) as T;
}
