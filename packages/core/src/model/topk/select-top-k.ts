import type { FloatArray } from '../types.js';
import { radixTopK, sortIndicesDescending } from './radix-select.js';
import { radixTopKFloat32, radixTopKFloat32Sorted, serialBandScan } from './radix-select-f32.js';
import type { BandScan } from './radix-select-f32.js';
import { torchTopkEmulation } from './torch-topk-emulation.js';

/**
 * Up to this many candidates, top-k runs the exact emulation of torch's CPU algorithm, so ties are
 * broken like the reference. Above it an O(n) radix select breaks boundary ties by lowest index:
 * the emulation's (value, index) pairs would cost 12 bytes per candidate at BERT scale.
 */
export const EXACT_TIE_EMULATION_LIMIT = 1 << 22;

export interface TopKOptions {
  /** Most important first (the reference's sorted=True); otherwise ascending index order. */
  readonly sorted: boolean;
  /**
   * Rank |values| instead of values. For large float32 inputs the magnitudes are read straight
   * from the bit patterns, so an importance that is just |weights| is never materialised.
   */
  readonly absolute?: boolean;
  /** The band scan of the large float32 select (default: on this thread; the kernel pool's is threaded). */
  readonly bandScan?: BandScan | undefined;
}

/** Indices of the k largest values (NaN ranks highest, as in torch). */
export function selectTopK(values: FloatArray, k: number, options: TopKOptions): Int32Array {
  const n = values.length;
  if (options.absolute && !(values instanceof Float32Array && n > EXACT_TIE_EMULATION_LIMIT && k < n)) {
    // The emulation and the float64 path need the magnitudes as values; small or rare, so copy.
    const magnitudes = values instanceof Float32Array ? values.map(Math.abs) : values.map(Math.abs);
    return selectTopK(magnitudes, k, { sorted: options.sorted, bandScan: options.bandScan });
  }
  if (k <= 0) return new Int32Array(0);
  if (k >= n) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    if (options.sorted) sortIndicesDescending(all, values);
    return all;
  }
  if (n <= EXACT_TIE_EMULATION_LIMIT) {
    const idx = torchTopkEmulation(values, k, false);
    if (options.sorted) sortIndicesDescending(idx, values);
    else idx.sort();
    return idx;
  }
  if (values instanceof Float32Array) {
    const select = options.sorted ? radixTopKFloat32Sorted : radixTopKFloat32;
    return select(values, k, options.absolute === true, options.bandScan ?? serialBandScan);
  }
  const idx = radixTopK(values, k);
  if (options.sorted) sortIndicesDescending(idx, values);
  return idx;
}
