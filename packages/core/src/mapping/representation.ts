import type { ParamRepr } from './types.js';

/** Selections with at most this many entries can be stored as int32 flat indices. */
export const INT32_INDEX_LIMIT = 2 ** 31 - 1;

/** Indices must be this much smaller than a byte mask before we prefer them (avoids flip-flopping). */
const INDICES_MARGIN = 0.8;

export function bytesPerIndex(numel: number): 4 | 8 {
  return numel <= INT32_INDEX_LIMIT ? 4 : 8;
}

/** Bytes a saved mapping tensor takes: a U8 mask over the parameter, or int32/int64 flat indices. */
export function mappingTensorBytes(repr: ParamRepr, numel: number, numSelected: number): number {
  if (repr === 'mask') return numel;
  if (repr === 'indices') return numSelected * bytesPerIndex(numel);
  return 0;
}

/**
 * The representation the reference picks for `k` selected entries of a `numel`-sized parameter,
 * both in memory after load/prune and when saving: everything → all; else flat indices when
 * `k · bytes_per_index < 0.8 · numel` (k = 0 included), else a byte mask.
 */
export function chooseRepr(numSelected: number, numel: number): ParamRepr {
  if (numSelected === numel) return 'all';
  if (numSelected === 0) return 'indices';
  return numSelected * bytesPerIndex(numel) < numel * INDICES_MARGIN ? 'indices' : 'mask';
}
