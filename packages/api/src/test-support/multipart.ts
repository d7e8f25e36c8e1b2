import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Part {
  readonly field: string;
  readonly value: string | Buffer;
  /** Present for file parts. */
  readonly filename?: string;
}

/** A multipart/form-data body built in memory (test inputs are small). */
export function multipart(parts: readonly Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----gradiend${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition =
      p.filename === undefined
        ? `form-data; name="${p.field}"`
        : `form-data; name="${p.field}"; filename="${p.filename}"`;
    const type = p.filename === undefined ? '' : 'Content-Type: application/octet-stream\r\n';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(typeof p.value === 'string' ? Buffer.from(p.value) : p.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** The files of a checkpoint folder as `files` parts named `<prefix><file>`. */
export function folderParts(dir: string, prefix = ''): Part[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => ({
      field: 'files',
      filename: `${prefix}${name}`,
      value: fs.readFileSync(path.join(dir, name)),
    }));
}
