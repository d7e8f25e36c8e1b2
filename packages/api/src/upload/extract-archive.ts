import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';
import { ApiError } from '../errors/api-error.js';
import type { BlobInfo } from '../storage/blob-store.js';
import { writeHashed, type ByteBudget } from './hashed-write.js';
import { isIgnoredPath, splitUploadPath } from './safe-path.js';

export type ArchiveKind = 'tar' | 'tar.gz' | 'zip';

export interface ExtractedEntry extends BlobInfo {
  readonly segments: readonly string[];
  /** Where the entry's bytes were written (a scratch name inside the upload's temp dir). */
  readonly tempPath: string;
}

export interface ExtractOptions {
  readonly scratchDir: string;
  readonly maxFiles: number;
  /** Limits the extracted (uncompressed) bytes, so a small archive cannot fill the disk. */
  readonly budget: ByteBudget;
}

/** Detects the archive kind from its first bytes, not from the client's file name. */
export async function sniffArchive(file: string): Promise<ArchiveKind> {
  const handle = await openFile(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip';
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  } finally {
    await handle.close();
  }
  throw new ApiError(
    'GRADIEND_ERR_UPLOAD_ARCHIVE_TYPE',
    'archive is not a .tar, .tar.gz or .zip file (checked by content, not by name)',
  );
}

function corrupt(kind: ArchiveKind, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError('GRADIEND_ERR_UPLOAD_ARCHIVE_CORRUPT', `cannot read ${kind} archive: ${reason}`);
}

class EntryCollector {
  readonly entries: ExtractedEntry[] = [];
  private readonly names = new Set<string>();
  constructor(private readonly options: ExtractOptions) {}

  /** Returns the segments to extract to, or null when the entry is archiver junk to skip. */
  admit(rawName: string): string[] | null {
    const segments = splitUploadPath(rawName);
    if (isIgnoredPath(segments)) return null;
    const key = segments.join('/');
    if (this.names.has(key)) {
      throw new ApiError('GRADIEND_ERR_UPLOAD_DUPLICATE', `${key} appears more than once in the archive`, {
        file: key,
      });
    }
    this.names.add(key);
    if (this.entries.length + 1 > this.options.maxFiles) {
      throw new ApiError(
        'GRADIEND_ERR_UPLOAD_TOO_MANY_FILES',
        `archive holds more than ${this.options.maxFiles} files; a checkpoint folder has only a few`,
      );
    }
    return segments;
  }

  async write(segments: string[], source: Readable): Promise<void> {
    const tempPath = path.join(this.options.scratchDir, `entry-${this.entries.length}`);
    const info = await writeHashed(source, tempPath, this.options.budget);
    this.entries.push({ ...info, segments, tempPath });
  }
}

function linkError(name: string, type: string): ApiError {
  return new ApiError(
    'GRADIEND_ERR_UPLOAD_ARCHIVE_LINK',
    `${name} is a ${type}; only regular files are accepted`,
    {
      file: name,
    },
  );
}

async function extractTar(file: string, gzip: boolean, collector: EntryCollector): Promise<void> {
  const extract = tarStream.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type === 'directory') {
        splitUploadPath(name.endsWith('/') ? name : `${name}/`);
        entry.resume();
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        throw linkError(name, type ?? 'special entry');
      }
      const segments = collector.admit(name);
      if (segments === null) {
        entry.resume();
        continue;
      }
      await collector.write(segments, Readable.from(entry));
    }
  })();
  const source = createReadStream(file);
  const feed = gzip ? pipeline(source, createGunzip(), extract) : pipeline(source, extract);
  // Both must settle: a refused entry aborts the feed, and a truncated feed fails the consumer.
  const [fed, consumed] = await Promise.allSettled([feed, consume]);
  if (consumed.status === 'rejected') {
    extract.destroy();
    throw corrupt(gzip ? 'tar.gz' : 'tar', consumed.reason);
  }
  if (fed.status === 'rejected') throw corrupt(gzip ? 'tar.gz' : 'tar', fed.reason);
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      {
        lazyEntries: true,
        autoClose: true,
        decodeStrings: false,
        validateEntrySizes: true,
        strictFileNames: false,
      },
      (error, zip) => (error || !zip ? reject(error ?? new Error('zip open failed')) : resolve(zip)),
    );
  });
}

function openZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) =>
      error || !stream ? reject(error ?? new Error('zip entry open failed')) : resolve(stream),
    );
  });
}

async function extractZip(file: string, collector: EntryCollector): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    throw corrupt('zip', error);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const rawName = (entry.fileName as unknown as Buffer).toString('utf8');
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          if (rawName.endsWith('/') || mode === S_IFDIR) {
            splitUploadPath(rawName);
            zip.readEntry();
            return;
          }
          if (mode !== 0 && mode !== S_IFREG) throw linkError(rawName, 'symbolic link or special file');
          const segments = collector.admit(rawName);
          if (segments !== null) await collector.write(segments, await openZipEntry(zip, entry));
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } catch (error) {
    throw corrupt('zip', error);
  } finally {
    zip.close();
  }
}

/** Extracts a checkpoint archive into scratch files, enforcing the path and size rules on each entry. */
export async function extractArchive(file: string, options: ExtractOptions): Promise<ExtractedEntry[]> {
  const kind = await sniffArchive(file);
  const collector = new EntryCollector(options);
  if (kind === 'zip') await extractZip(file, collector);
  else await extractTar(file, kind === 'tar.gz', collector);
  return collector.entries;
}
