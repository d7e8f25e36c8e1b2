import { DTYPES, isDType } from '../tensor/dtype.js';
import type { DType } from '../tensor/dtype.js';
import { HEADER_ALIGNMENT, LENGTH_PREFIX_BYTES, MAX_HEADER_BYTES, METADATA_KEY } from './constants.js';
import { compareForLayout, compareUtf8 } from './layout-order.js';
import { writeError } from './write-error.js';

export interface SafetensorsLayoutEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Where one tensor's bytes go; `begin`/`end` are relative to the layout's `dataStart`. */
export interface SafetensorsLayoutSlot extends SafetensorsLayoutEntry {
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsLayout {
  /** The 8-byte length prefix followed by the padded JSON header. */
  readonly headerBytes: Uint8Array;
  /** Equals headerBytes.length. */
  readonly dataStart: number;
  /** Tensors in the order their bytes follow the header. */
  readonly order: SafetensorsLayoutSlot[];
  readonly totalBytes: number;
}

function byteLengthOf(entry: SafetensorsLayoutEntry): number {
  const { name, dtype, shape } = entry;
  if (!isDType(dtype)) throw writeError(`unknown dtype ${JSON.stringify(dtype)}`, name);
  let numel = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) {
      throw writeError(`shape [${shape.join(', ')}] must hold non-negative integers`, name);
    }
    numel *= dim;
  }
  const bytes = numel * DTYPES[dtype].itemSize;
  if (!Number.isSafeInteger(bytes)) throw writeError(`shape [${shape.join(', ')}] is too large`, name);
  return bytes;
}

function checkNames(entries: readonly SafetensorsLayoutEntry[]): void {
  const seen = new Set<string>();
  for (const { name } of entries) {
    if (name === METADATA_KEY) throw writeError(`the name is reserved for the metadata block`, name);
    if (seen.has(name)) throw writeError('duplicate tensor name', name);
    seen.add(name);
  }
}

/**
 * The metadata map is a Rust HashMap in the reference, so its key order there is arbitrary; we
 * write keys in UTF-8 byte order to stay deterministic.
 */
function metadataJson(metadata: Readonly<Record<string, string>>): string {
  const keys = Object.keys(metadata).sort(compareUtf8);
  const pairs = keys.map((key) => {
    const value = metadata[key];
    if (typeof value !== 'string')
      throw writeError(`metadata "${key}" must be a string, got ${typeof value}`);
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${pairs.join(',')}}`;
}

function slotJson(slot: SafetensorsLayoutSlot): string {
  const info = `{"dtype":"${slot.dtype}","shape":[${slot.shape.join(',')}],"data_offsets":[${slot.begin},${slot.end}]}`;
  return `${JSON.stringify(slot.name)}:${info}`;
}

/**
 * Plans a file byte-identical to Python `safetensors.torch.save_file`: tensors sorted by dtype
 * (descending enum order) then name, packed back to back; compact JSON header listing them in that
 * order after an optional `__metadata__`; header padded with spaces to a multiple of 8.
 * The JSON is assembled by hand because JS objects would move integer-like keys ("0") first.
 */
export function planSafetensorsLayout(
  entries: readonly SafetensorsLayoutEntry[],
  metadata?: Readonly<Record<string, string>> | null,
): SafetensorsLayout {
  checkNames(entries);
  const sorted = [...entries].sort(compareForLayout);
  let offset = 0;
  const order = sorted.map((entry): SafetensorsLayoutSlot => {
    const begin = offset;
    offset += byteLengthOf(entry);
    return { name: entry.name, dtype: entry.dtype, shape: [...entry.shape], begin, end: offset };
  });
  const members = order.map(slotJson);
  if (metadata != null) members.unshift(`"${METADATA_KEY}":${metadataJson(metadata)}`);
  const json = new TextEncoder().encode(`{${members.join(',')}}`);
  const headerByteLength = Math.ceil(json.length / HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
  if (headerByteLength > MAX_HEADER_BYTES) {
    throw writeError(
      `header of ${headerByteLength} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit of readers`,
    );
  }
  const dataStart = LENGTH_PREFIX_BYTES + headerByteLength;
  const headerBytes = new Uint8Array(dataStart).fill(0x20, LENGTH_PREFIX_BYTES);
  new DataView(headerBytes.buffer).setBigUint64(0, BigInt(headerByteLength), true);
  headerBytes.set(json, LENGTH_PREFIX_BYTES);
  return { headerBytes, dataStart, order, totalBytes: dataStart + offset };
}
