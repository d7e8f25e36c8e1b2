import { PruneArgumentError } from '../errors.js';
import { roundInPlace } from './dtype-rounding.js';
import { absInPlace, columnAbsSum, rowAbsSum, rowSum } from './importance-kernels.js';
import type { ComputeWeights, FloatArray, GradiendArchitecture } from './types.js';

export const IMPORTANCE_PARTS = ['decoder-weight', 'encoder-weight', 'decoder-bias', 'decoder-sum'] as const;

/** Which weights rank the input dimensions. */
export type ImportancePart = (typeof IMPORTANCE_PARTS)[number];

/** Normalises a part name like the reference (case-insensitive, default decoder-weight). */
export function parseImportancePart(part: string | null | undefined): ImportancePart {
  const p = (part || 'decoder-weight').toLowerCase();
  if ((IMPORTANCE_PARTS as readonly string[]).includes(p)) return p as ImportancePart;
  throw new PruneArgumentError(
    `part must be 'encoder-weight', 'decoder-weight', 'decoder-bias', or 'decoder-sum', got '${p}'`,
    'ValueError',
  );
}

function allocate(w: ComputeWeights, n: number): FloatArray {
  return w.precision === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** The reference's get_update_vector: the weights a part is derived from, flattened. */
export function updateVector(
  arch: GradiendArchitecture,
  w: ComputeWeights,
  part: ImportancePart,
): FloatArray {
  const n = arch.inputDim;
  switch (part) {
    case 'decoder-weight':
      return w.decoderWeight.slice();
    case 'encoder-weight':
      return w.encoderWeight.slice();
    case 'decoder-bias':
      return w.decoderBias ? w.decoderBias.slice() : allocate(w, n);
    case 'decoder-sum': {
      const out = allocate(w, n);
      rowSum(w.decoderWeight, n, arch.latentDim, out);
      roundInPlace(arch.dtype, out);
      if (w.decoderBias)
        for (let i = 0; i < n; i++) out[i] = (out[i] as number) + (w.decoderBias[i] as number);
      roundInPlace(arch.dtype, out);
      return out;
    }
  }
}

/** Importance per input dimension (length input_dim); higher means more influential. */
export function weightImportance(
  arch: GradiendArchitecture,
  w: ComputeWeights,
  part: ImportancePart,
): FloatArray {
  const n = arch.inputDim;
  const L = arch.latentDim;
  let out: FloatArray;
  switch (part) {
    case 'decoder-weight':
      out = allocate(w, n);
      rowAbsSum(w.decoderWeight, n, L, out);
      break;
    case 'encoder-weight':
      out = allocate(w, n);
      columnAbsSum(w.encoderWeight, L, n, out);
      break;
    case 'decoder-bias':
    case 'decoder-sum':
      out = updateVector(arch, w, part);
      absInPlace(out);
      break;
  }
  roundInPlace(arch.dtype, out);
  return out;
}
