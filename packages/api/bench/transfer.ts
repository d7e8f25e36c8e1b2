import { execFile, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Transfer {
  readonly bytes: number;
  readonly seconds: number;
  readonly status: number;
  readonly body: string;
}

/** One part of a streamed multipart body: a text field, or a file streamed from disk. */
export type FormPart =
  | { readonly field: string; readonly value: string }
  | { readonly field: string; readonly file: string; readonly filename?: string };

/**
 * Uploads a checkpoint folder's files as one streamed multipart request (the client never holds a
 * file in memory, so the numbers are the server's).
 */
export function uploadFolder(url: string, files: readonly string[]): Promise<Transfer> {
  return uploadForm(
    url,
    files.map((file) => ({ field: 'files', file })),
  );
}

/** Any multipart form (fields and files), streamed like uploadFolder. */
export async function uploadForm(url: string, form: readonly FormPart[]): Promise<Transfer> {
  const boundary = `----gradiend-bench-${Date.now()}`;
  const parts: { head: Buffer; file: string | null; value: Buffer | null; size: number }[] = [];
  for (const part of form) {
    if ('value' in part) {
      const value = Buffer.from(part.value);
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"\r\n\r\n`,
      );
      parts.push({ head, file: null, value, size: value.length });
      continue;
    }
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.field}"; filename="${part.filename ?? path.basename(part.file)}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    parts.push({ head, file: part.file, value: null, size: (await stat(part.file)).size });
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const length = parts.reduce((n, p) => n + p.head.length + p.size + 2, tail.length);
  async function* body(): AsyncGenerator<Buffer> {
    for (const p of parts) {
      yield p.head;
      if (p.value) yield p.value;
      else
        for await (const chunk of createReadStream(p.file as string, { highWaterMark: 1024 * 1024 }))
          yield chunk as Buffer;
      yield Buffer.from('\r\n');
    }
    yield tail;
  }
  const started = performance.now();
  const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': length,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (c: string) => (text += c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    pipeline(Readable.from(body()), request).catch(reject);
  });
  return { bytes: length, seconds: (performance.now() - started) / 1000, status, body: text };
}

const NEWLINE = 0x0a;

/** Newlines in `b`. */
function countNewlines(b: Buffer): number {
  let lines = 0;
  for (let at = b.indexOf(NEWLINE); at !== -1; at = b.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}
const execFileAsync = promisify(execFile);

/**
 * Downloads `url` as a browser or curl saves a file: node:http chunks counted and discarded (the
 * fetch API's web streams cost this client 2–3× the server's time on 10^8 bytes). `countLines`
 * also counts newlines, at ≈0.1 s per 10^8 bytes of client work.
 */
export async function download(
  url: string,
  options: { countLines?: boolean } = {},
): Promise<Transfer & { lines: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        let bytes = 0;
        let lines = 0;
        const chunks: Buffer[] = [];
        const failed = (response.statusCode ?? 0) >= 400;
        response.on('data', (c: Buffer) => {
          bytes += c.length;
          // An error answer is small and kept for its message.
          if (failed) chunks.push(c);
          else if (options.countLines) lines += countNewlines(c);
        });
        response.on('end', () =>
          resolve({
            bytes,
            seconds: (performance.now() - started) / 1000,
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            lines: options.countLines ? lines : null,
          }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** True when curl answers `--version` (Debian's curl on this machine kind). */
export function curlAvailable(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `download` done by curl, the client a script uses: a separate process, so the benchmark's own
 * heap (it uploaded 1.3 GB before) does not slow the reading, and curl's `time_total` is the time
 * (node:http in the benchmark's process took 1.5–2.5× curl's time for the same 132 MB CSV). The
 * body goes to /dev/null, or to a temporary file when its lines are counted (after the transfer;
 * curl's time then includes writing the file to the page cache). An error's message is fetched
 * again into the file.
 */
export async function curlDownload(
  url: string,
  options: { countLines?: boolean } = {},
): Promise<Transfer & { lines: number | null }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-curl-'));
  try {
    const file = path.join(dir, 'body');
    const fetchTo = async (out: string) => {
      const { stdout } = await execFileAsync('curl', [
        '-sS',
        '-o',
        out,
        '-w',
        '%{http_code} %{size_download} %{time_total}',
        url,
      ]);
      const [status = 0, bytes = 0, seconds = 0] = stdout.trim().split(' ').map(Number);
      return { status, bytes, seconds };
    };
    const keep = options.countLines === true;
    const timed = await fetchTo(keep ? file : '/dev/null');
    if (timed.status >= 400 && !keep) await fetchTo(file);
    const text = keep || timed.status >= 400 ? await readFile(file) : null;
    const lines = keep && text ? countNewlines(text) : null;
    return { ...timed, body: timed.status >= 400 && text ? text.toString('utf8') : '', lines };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
