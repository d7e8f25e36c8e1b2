import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { TarArchive, ZipArchive } from 'archiver';
import tarStream from 'tar-stream';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** Packs a folder's files under `prefix` as tar, tar.gz or zip. */
export async function packFolder(
  dir: string,
  kind: 'tar' | 'tar.gz' | 'zip',
  prefix = 'checkpoint/',
): Promise<Buffer> {
  const archive = kind === 'zip' ? new ZipArchive() : new TarArchive({ gzip: kind === 'tar.gz' });
  const done = collect(archive);
  for (const name of fs.readdirSync(dir).sort()) {
    archive.append(fs.readFileSync(path.join(dir, name)), { name: `${prefix}${name}` });
  }
  await archive.finalize();
  return done;
}

/** A tar with hand-made headers, for entries archivers refuse to write (links, `..`). */
export async function rawTar(
  entries: { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string }[],
): Promise<Buffer> {
  const pack = tarStream.pack();
  const done = collect(Readable.from(pack as unknown as AsyncIterable<Buffer>));
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? 'x' });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  return done;
}

/** Files of a .tar.gz as name → bytes. */
export async function untarGz(data: Buffer): Promise<Map<string, Buffer>> {
  const extract = tarStream.extract();
  const out = new Map<string, Buffer>();
  extract.end(gunzipSync(data));
  for await (const entry of extract) {
    out.set(entry.header.name, await collect(Readable.from(entry as unknown as AsyncIterable<Buffer>)));
  }
  return out;
}
