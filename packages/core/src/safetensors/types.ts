import type { DType } from '../tensor/dtype.js';

/** One tensor of a safetensors header. `begin`/`end` are byte offsets relative to `dataStart`. */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
  readonly numel: number;
  readonly byteLength: number;
}

/** A validated safetensors header. Tensor data has not been read. */
export interface SafetensorsHeader {
  /** N, the length of the JSON header (including its padding). */
  readonly headerByteLength: number;
  /** 8 + N: where tensor data begins in the file. */
  readonly dataStart: number;
  readonly fileByteLength: number;
  /** The `__metadata__` map, or null when the header has none. */
  readonly metadata: Record<string, string> | null;
  /** In header order (JSON.parse lists integer-like names such as "0" first). */
  readonly tensors: SafetensorsTensorInfo[];
  readonly byName: Map<string, SafetensorsTensorInfo>;
}
