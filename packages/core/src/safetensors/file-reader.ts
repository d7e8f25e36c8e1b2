import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { DTYPES } from '../tensor/dtype.js';
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  CONCURRENT_READ_CHUNK_BYTES,
  MAX_IO_CHUNK_BYTES,
  readConcurrently,
  readFully,
} from './chunked-io.js';
import { formatError } from './format-error.js';
import { LENGTH_PREFIX_BYTES } from './constants.js';
import { readSafetensorsHeaderLength } from './header-length.js';
import { assertLittleEndianHost } from './host-endianness.js';
import { missingTensor } from './missing-tensor.js';
import { parseSafetensorsHeader } from './parse-header.js';
import { bytesOf, holdsDType } from './tensor-bytes.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from './types.js';

export interface SafetensorsFileOptions {
  /** Largest single read, in bytes (at most 1 GiB; a tensor is read in chunks of at most 16 MiB, four at a time). Small values are for tests. */
  readonly chunkBytes?: number;
}

export interface ReadAllOptions {
  /** Read every tensor into a SharedArrayBuffer (for worker threads, e.g. the kernel pool). */
  readonly sharedMemory?: boolean;
}

export interface ReadIntoOptions {
  /** Fill this array instead of allocating one; it must be the dtype's array class and length. */
  readonly into?: TypedArray;
}

async function readHeader(handle: FileHandle): Promise<SafetensorsHeader> {
  const { size } = await handle.stat();
  const prefix = new Uint8Array(Math.min(LENGTH_PREFIX_BYTES, size));
  await readFully(handle, prefix, 0);
  const headerByteLength = readSafetensorsHeaderLength(prefix, size);
  const head = new Uint8Array(LENGTH_PREFIX_BYTES + headerByteLength);
  head.set(prefix);
  const got = await readFully(handle, head.subarray(LENGTH_PREFIX_BYTES), LENGTH_PREFIX_BYTES);
  if (got !== headerByteLength) {
    throw formatError('header-out-of-bounds', `file shrank while its header was read`);
  }
  return parseSafetensorsHeader(head, size);
}

/**
 * A safetensors file opened for random access. Opening reads only the length prefix and the
 * header; tensors are read on demand with positioned reads.
 */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    readonly header: SafetensorsHeader,
    private readonly handle: FileHandle,
    private readonly chunkBytes: number,
  ) {}

  static async open(path: string, options: SafetensorsFileOptions = {}): Promise<SafetensorsFile> {
    assertLittleEndianHost();
    const handle = await open(path, 'r');
    try {
      const header = await readHeader(handle);
      return new SafetensorsFile(path, header, handle, options.chunkBytes ?? MAX_IO_CHUNK_BYTES);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get tensors(): readonly SafetensorsTensorInfo[] {
    return this.header.tensors;
  }

  get metadata(): Record<string, string> | null {
    return this.header.metadata;
  }

  has(name: string): boolean {
    return this.header.byName.has(name);
  }

  /** Throws SafetensorsFormatError (rule 'missing-tensor') for an unknown name. */
  info(name: string): SafetensorsTensorInfo {
    const info = this.header.byName.get(name);
    if (info === undefined) throw missingTensor(name, this.header);
    return info;
  }

  async readTensor(name: string, options: ReadIntoOptions = {}): Promise<Tensor> {
    const info = this.info(name);
    const data = await this.readElements(info, 0, info.numel, options.into);
    return { dtype: info.dtype, shape: [...info.shape], data };
  }

  /** Reads `elementCount` elements of the flattened tensor, starting at `elementStart`. */
  async readRange(
    name: string,
    elementStart: number,
    elementCount: number,
    options: ReadIntoOptions = {},
  ): Promise<TypedArray> {
    const info = this.info(name);
    for (const [label, value] of [
      ['elementStart', elementStart],
      ['elementCount', elementCount],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`${label} must be a non-negative integer, got ${value}`);
      }
    }
    if (elementStart + elementCount > info.numel) {
      throw new RangeError(
        `elements [${elementStart}, ${elementStart + elementCount}) are outside tensor '${name}' of ${info.numel} elements`,
      );
    }
    return this.readElements(info, elementStart, elementCount, options.into);
  }

  /** Every tensor, in header order; with `sharedMemory` each on its own SharedArrayBuffer. */
  async readAll(options: ReadAllOptions = {}): Promise<Map<string, Tensor>> {
    const out = new Map<string, Tensor>();
    for (const info of this.header.tensors) {
      const into = options.sharedMemory
        ? DTYPES[info.dtype].view(new SharedArrayBuffer(info.byteLength), 0, info.numel)
        : undefined;
      out.set(info.name, await this.readTensor(info.name, { into }));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async readElements(
    info: SafetensorsTensorInfo,
    start: number,
    count: number,
    into: TypedArray | undefined,
  ): Promise<TypedArray> {
    const dtype = DTYPES[info.dtype];
    if (into !== undefined) {
      if (!holdsDType(info.dtype, into)) {
        throw new TypeError(
          `into must be a ${dtype.create(0).constructor.name} for ${info.dtype} tensor '${info.name}'`,
        );
      }
      if (into.length !== count) {
        throw new RangeError(`into has ${into.length} elements, expected ${count} for tensor '${info.name}'`);
      }
    }
    const target = into ?? dtype.create(count);
    const position = this.header.dataStart + info.begin + start * dtype.itemSize;
    const chunk = Math.min(this.chunkBytes, CONCURRENT_READ_CHUNK_BYTES);
    const got = await readConcurrently(this.handle, bytesOf(target), position, chunk);
    if (got !== target.byteLength) {
      throw formatError(
        'data-coverage',
        `file ended ${target.byteLength - got} bytes early (was it truncated after opening?)`,
        info.name,
      );
    }
    return target;
  }
}
