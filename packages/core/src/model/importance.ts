import { PruneArgumentError } from '../errors.js';
import { roundInPlace } from './dtype-rounding.js';
import { absInPlace, rowSum } from './importance-kernels.js';
import { SERIAL_KERNELS } from './input-kernels.js';
import type { InputKernels } from './input-kernels.js';
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

export interface ImportanceOptions {
  /** Write here instead of allocating (length input_dim; Float64Array for float64 models, else Float32Array). */
  readonly into?: FloatArray | undefined;
  /** The input-dimension loops (default: on this thread). */
  readonly kernels?: InputKernels | undefined;
}

function checkInto(w: ComputeWeights, n: number, into: FloatArray): FloatArray {
  const want = w.precision === 'f64' ? Float64Array : Float32Array;
  if (!(into instanceof want) || into.length !== n) {
    throw new RangeError(
      `into must be a ${want.name} of length ${n}, got a ${into.constructor.name} of ${into.length}`,
    );
  }
  return into;
}

/** Importance per input dimension (length input_dim); higher means more influential. */
export function weightImportance(
  arch: GradiendArchitecture,
  w: ComputeWeights,
  part: ImportancePart,
  options: ImportanceOptions = {},
): FloatArray {
  const n = arch.inputDim;
  const L = arch.latentDim;
  const kernels = options.kernels ?? SERIAL_KERNELS;
  const into = options.into ? checkInto(w, n, options.into) : null;
  let out: FloatArray;
  switch (part) {
    case 'decoder-weight':
      out = into ?? allocate(w, n);
      kernels.rowAbsSum(w.decoderWeight, n, L, out);
      break;
    case 'encoder-weight':
      out = into ?? allocate(w, n);
      kernels.columnAbsSum(w.encoderWeight, L, n, out);
      break;
    case 'decoder-bias':
    case 'decoder-sum': {
      const v = updateVector(arch, w, part);
      out = into ? (into.set(v), into) : v;
      absInPlace(out);
      break;
    }
  }
  roundInPlace(arch.dtype, out);
  return out;
}
