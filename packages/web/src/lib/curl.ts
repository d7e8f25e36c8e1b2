export interface CurlSpec {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Origin of the server, e.g. http://127.0.0.1:8080. */
  readonly origin: string;
  /** Path with its query string, e.g. /api/models?q=bert. */
  readonly path: string;
  readonly json?: unknown;
  /** A file sent as the raw body (`--data-binary @file`). */
  readonly dataFile?: { readonly path: string; readonly contentType: string };
  /** Multipart form fields; values starting with @ are files. */
  readonly form?: readonly (readonly [string, string])[];
  /** Save the answer to this file (`-o`). */
  readonly output?: string;
}

/** POSIX shell single-quoting: safe for any byte except NUL. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A copy-pasteable curl command for one API call. */
export function curlCommand(spec: CurlSpec): string {
  const parts = ['curl', '-fsS'];
  const method = spec.method ?? (spec.json !== undefined || spec.dataFile || spec.form ? 'POST' : 'GET');
  if (method !== 'GET' && !(method === 'POST' && (spec.json !== undefined || spec.dataFile || spec.form))) {
    parts.push('-X', method);
  }
  if (spec.json !== undefined) {
    parts.push(
      '-H',
      shellQuote('content-type: application/json'),
      '-d',
      shellQuote(JSON.stringify(spec.json)),
    );
  }
  if (spec.dataFile) {
    parts.push(
      '-H',
      shellQuote(`content-type: ${spec.dataFile.contentType}`),
      '--data-binary',
      shellQuote(`@${spec.dataFile.path}`),
    );
  }
  for (const [key, value] of spec.form ?? []) parts.push('-F', shellQuote(`${key}=${value}`));
  if (spec.output) parts.push('-o', shellQuote(spec.output));
  parts.push(shellQuote(`${spec.origin}${spec.path}`));
  return parts.join(' ');
}
