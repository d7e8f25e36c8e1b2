import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { TorchCheckpointError } from '../errors.js';

// Deflate cannot expand data by more than about 1032:1; a larger claimed size is a lie or a bomb.
const MAX_DEFLATE_RATIO = 1032;
const STORED = 0;
const DEFLATED = 8;

export interface ZipReadLimits {
  /** The entry must decompress to exactly this many bytes. */
  readonly expectedBytes?: number;
  /** The entry may not be larger than this. */
  readonly maxBytes?: number;
}

/** A zip opened for random access: the central directory is read up front, entry data on demand. */
export interface ZipArchive {
  readonly names: readonly string[];
  has(name: string): boolean;
  read(name: string, limits?: ZipReadLimits): Promise<Uint8Array>;
  close(): void;
}

const YAUZL_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: true,
  validateEntrySizes: true,
};

function isSystemError(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error;
}

function formatError(source: string, error: unknown): TorchCheckpointError {
  const detail = error instanceof Error ? error.message : String(error);
  const hint = /end of central directory/i.test(detail)
    ? ' (PyTorch checkpoints saved with _use_new_zipfile_serialization=False are not supported)'
    : '';
  return new TorchCheckpointError(`${source}: not a readable zip archive: ${detail}${hint}`, {
    cause: error,
  });
}

async function indexEntries(zip: ZipFile, source: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  for await (const entry of zip.eachEntry()) {
    if (entries.has(entry.fileName)) {
      throw new TorchCheckpointError(`${source}: zip holds '${entry.fileName}' twice`);
    }
    entries.set(entry.fileName, entry);
  }
  return entries;
}

async function readEntry(
  zip: ZipFile,
  entry: Entry,
  source: string,
  limits: ZipReadLimits,
): Promise<Uint8Array> {
  const name = entry.fileName;
  if (entry.isEncrypted()) throw new TorchCheckpointError(`${source}: zip entry '${name}' is encrypted`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new TorchCheckpointError(
      `${source}: zip entry '${name}' uses unsupported compression method ${entry.compressionMethod}`,
    );
  }
  const size = entry.uncompressedSize;
  if (limits.expectedBytes !== undefined && size !== limits.expectedBytes) {
    throw new TorchCheckpointError(
      `${source}: zip entry '${name}' holds ${size} bytes, expected ${limits.expectedBytes}`,
    );
  }
  if (limits.maxBytes !== undefined && size > limits.maxBytes) {
    throw new TorchCheckpointError(
      `${source}: zip entry '${name}' is ${size} bytes, over the ${limits.maxBytes} limit`,
    );
  }
  const plausible =
    entry.compressionMethod === STORED ? entry.compressedSize : entry.compressedSize * MAX_DEFLATE_RATIO + 64;
  if (size > plausible) {
    throw new TorchCheckpointError(
      `${source}: zip entry '${name}' claims ${size} bytes from ${entry.compressedSize} compressed`,
    );
  }
  // A fresh buffer per entry keeps byteOffset 0, so typed arrays of any item size can view it.
  const out = new Uint8Array(size);
  let written = 0;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    // A Readable without an encoding yields Buffers; its typings only say `any`.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (written + chunk.length > size) throw new Error(`more than the declared ${size} bytes`);
      out.set(chunk, written);
      written += chunk.length;
    }
  } catch (error) {
    if (error instanceof TorchCheckpointError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new TorchCheckpointError(`${source}: cannot read zip entry '${name}': ${detail}`, { cause: error });
  }
  if (written !== size) {
    throw new TorchCheckpointError(`${source}: zip entry '${name}' ended after ${written} of ${size} bytes`);
  }
  return out;
}

async function wrap(zip: ZipFile, source: string): Promise<ZipArchive> {
  let entries: Map<string, Entry>;
  try {
    entries = await indexEntries(zip, source);
  } catch (error) {
    zip.close();
    throw error instanceof TorchCheckpointError ? error : formatError(source, error);
  }
  return {
    names: [...entries.keys()],
    has: (name) => entries.has(name),
    read: (name, limits = {}) => {
      const entry = entries.get(name);
      if (entry === undefined) {
        return Promise.reject(new TorchCheckpointError(`${source}: zip has no entry '${name}'`));
      }
      return readEntry(zip, entry, source, limits);
    },
    close: () => zip.close(),
  };
}

/** Opens a zip file for positioned reads; only the entries asked for are ever read. */
export async function openZipFile(path: string): Promise<ZipArchive> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, YAUZL_OPTIONS);
  } catch (error) {
    if (isSystemError(error)) throw error;
    throw formatError(path, error);
  }
  return wrap(zip, path);
}

/** Opens a zip held in memory (an upload, a fetched file); the bytes are not copied. */
export async function openZipBuffer(bytes: Uint8Array, source = 'zip buffer'): Promise<ZipArchive> {
  let zip: ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      YAUZL_OPTIONS,
    );
  } catch (error) {
    throw formatError(source, error);
  }
  return wrap(zip, source);
}
