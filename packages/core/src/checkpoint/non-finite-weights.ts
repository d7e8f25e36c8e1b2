import { SafetensorsFile } from '../safetensors/file-reader.js';
import type { GradiendWeights } from '../model/types.js';
import { stateDictOf } from '../model/weight-layout.js';
import { DTYPES, type DType, type TypedArray } from '../tensor/dtype.js';
import { countNonFinite } from '../tensor/non-finite.js';
import type { Tensor } from '../tensor/tensor.js';

/** A tensor holding NaN or ±Inf values, and how many. */
export interface NonFiniteTensor {
  readonly tensor: string;
  readonly count: number;
}

/** Bytes read at a time by `scanNonFiniteWeights`: memory stays flat for weights of any size. */
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/** The tensors among `entries` that hold non-finite values, sorted by name. */
export function nonFiniteTensors(entries: Iterable<readonly [string, Tensor]>): NonFiniteTensor[] {
  const out: NonFiniteTensor[] = [];
  for (const [tensor, t] of entries) {
    const count = countNonFinite(t.dtype, t.data);
    if (count > 0) out.push({ tensor, count });
  }
  return out.sort((a, b) => a.tensor.localeCompare(b.tensor));
}

/** `nonFiniteTensors` of a model's weights, named as in its state dict. */
export function nonFiniteWeights(weights: GradiendWeights): NonFiniteTensor[] {
  return nonFiniteTensors(stateDictOf(weights));
}

/**
 * `nonFiniteTensors` for the tensors `names` of a safetensors file, read in chunks of a few MiB
 * into one reused buffer per dtype instead of loading the weights.
 */
export async function scanNonFiniteWeights(
  file: string,
  names: readonly string[],
  options: { readonly chunkBytes?: number } = {},
): Promise<NonFiniteTensor[]> {
  const chunkBytes = options.chunkBytes ?? SCAN_CHUNK_BYTES;
  const st = await SafetensorsFile.open(file);
  try {
    const buffers = new Map<DType, TypedArray>();
    const out: NonFiniteTensor[] = [];
    for (const name of names) {
      const info = st.info(name);
      const dtype = DTYPES[info.dtype];
      const step = Math.max(1, Math.floor(chunkBytes / dtype.itemSize));
      let buffer = buffers.get(info.dtype);
      if (!buffer) {
        buffer = dtype.create(step);
        buffers.set(info.dtype, buffer);
      }
      let count = 0;
      for (let start = 0; start < info.numel; start += step) {
        const n = Math.min(step, info.numel - start);
        const into = buffer.subarray(0, n);
        count += countNonFinite(info.dtype, await st.readRange(name, start, n, { into }));
      }
      if (count > 0) out.push({ tensor: name, count });
    }
    return out.sort((a, b) => a.tensor.localeCompare(b.tensor));
  } finally {
    await st.close();
  }
}
