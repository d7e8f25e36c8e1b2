/** How a param map stores one parameter's selection (config.json's `repr`). */
export const PARAM_REPRS = ['all', 'mask', 'indices'] as const;
export type ParamRepr = (typeof PARAM_REPRS)[number];

/** Flat indices into one parameter: int32 when the parameter allows it, else float64 (exact up to 2^53). */
export type IndexArray = Int32Array | Float64Array;

/** How a checkpoint or a caller describes one parameter's selection. */
export type ParamSelectionSpec =
  | { readonly name: string; readonly shape: readonly number[]; readonly repr: 'all' }
  | {
      readonly name: string;
      readonly shape: readonly number[];
      readonly repr: 'mask';
      /** One byte per entry of the parameter (flattened, row-major); non-zero = selected. */
      readonly mask: Uint8Array;
    }
  | {
      readonly name: string;
      readonly shape: readonly number[];
      readonly repr: 'indices';
      /** Flat positions in [0, numel), in input-space order (not necessarily sorted). */
      readonly indices: ArrayLike<number>;
    };

/** One base-global index decoded into parameter coordinates (the reference's field names in camelCase). */
export interface DecodedIndex {
  readonly paramName: string;
  readonly paramShape: readonly number[];
  readonly paramNumel: number;
  readonly flatIndexInParam: number;
  readonly coords: readonly number[];
  readonly paramRow: number | null;
  readonly paramCol: number | null;
}
