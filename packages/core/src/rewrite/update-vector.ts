import { RewriteError } from '../errors.js';
import { applyActivation } from '../model/activation-kernels.js';
import { dtypeRounder, roundInPlace } from '../model/dtype-rounding.js';
import { decodeLinear } from '../model/linear-kernels.js';
import type { FloatArray } from '../model/types.js';
import type { GradiendWeightSource } from './gradiend-weight-source.js';
import type { RewritePart } from './rewrite-part.js';

/**
 * The vector u of θ' = θ + lr · u, in GRADIEND input space, read in ranges. `length` is what the
 * reference's enhancer holds: input_dim, or input_dim × latent_dim for the flattened weight
 * matrices (which only fits the mapping when latent_dim is 1).
 */
export interface UpdateVector {
  readonly length: number;
  /** Values [start, start + count) in the model's compute precision. */
  read(start: number, count: number): Promise<FloatArray>;
  /**
   * lr · values, rounded like scaleInPlace(read(…)) — bit for bit — but in one pass where the part
   * allows (the decoder of a latent-1, identity-activation float32 model: the common case). With
   * `reuse` the result lives in a buffer the next call overwrites (no allocation per tensor).
   */
  readScaled?(start: number, count: number, learningRate: number, reuse?: boolean): Promise<FloatArray>;
}

function allocate(source: GradiendWeightSource, n: number): FloatArray {
  return source.architecture.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Feature factors in compute precision, one per latent neuron (a single number means latent 1). */
export function featureFactorVector(
  source: GradiendWeightSource,
  featureFactor: number | readonly number[],
): FloatArray {
  const values = typeof featureFactor === 'number' ? [featureFactor] : featureFactor;
  const L = source.architecture.latentDim;
  if (values.length !== L) {
    throw new RewriteError(
      `feature_factor has ${values.length} values, but the GRADIEND has ${L} latent neurons`,
      'RuntimeError',
    );
  }
  if (!values.every(Number.isFinite)) {
    throw new RewriteError('feature_factor values must be finite numbers', 'ValueError');
  }
  const out = allocate(source, L);
  out.set(values);
  return out;
}

/** The update vector of `part` (for 'decoder': decoder(feature_factor), decoder bias included). */
export function updateVector(
  source: GradiendWeightSource,
  part: RewritePart,
  featureFactor: number | readonly number[],
): UpdateVector {
  const arch = source.architecture;
  const n = arch.inputDim;
  const L = arch.latentDim;
  const zerosIfAbsent = (v: FloatArray | null, count: number): FloatArray => v ?? allocate(source, count);
  switch (part) {
    case 'decoder': {
      const ff = featureFactorVector(source, featureFactor);
      const fused = L === 1 && arch.activationDecoder === 'id' && arch.dtype === 'float32';
      const h = ff[0] as number;
      let scratch: { w: Float32Array; b: Float32Array } | null = null;
      const buffers = (count: number): { w: Float32Array; b: Float32Array } => {
        if (!scratch || scratch.w.length < count) {
          scratch = { w: new Float32Array(count), b: new Float32Array(count) };
        }
        return { w: scratch.w.subarray(0, count), b: scratch.b.subarray(0, count) };
      };
      return {
        length: n,
        ...(fused
          ? {
              async readScaled(start: number, count: number, learningRate: number, reuse = false) {
                const into = reuse ? buffers(count) : null;
                const w = (await source.read('decoderWeight', start, count, into?.w)) as Float32Array;
                const b = arch.biasDecoder
                  ? ((await source.read('decoderBias', start, count, into?.b)) as Float32Array)
                  : null;
                // Same roundings as decodeLinear + scaleInPlace: fround(w·h + b), then fround(lr · that).
                if (b)
                  for (let i = 0; i < count; i++)
                    w[i] = learningRate * Math.fround((w[i] as number) * h + (b[i] as number));
                else for (let i = 0; i < count; i++) w[i] = learningRate * Math.fround((w[i] as number) * h);
                return w;
              },
            }
          : {}),
        async read(start, count) {
          const w = (await source.read('decoderWeight', start * L, count * L)) as FloatArray;
          const b = arch.biasDecoder ? await source.read('decoderBias', start, count) : null;
          const out = allocate(source, count);
          decodeLinear(w, b, L, count, ff, 1, out);
          applyActivation(arch.activationDecoder, out);
          return out;
        },
      };
    }
    case 'decoder-weight':
      return {
        length: n * L,
        read: async (s, c) => (await source.read('decoderWeight', s, c)) as FloatArray,
      };
    case 'encoder-weight':
      return {
        length: n * L,
        read: async (s, c) => (await source.read('encoderWeight', s, c)) as FloatArray,
      };
    case 'decoder-bias':
      return { length: n, read: async (s, c) => zerosIfAbsent(await source.read('decoderBias', s, c), c) };
    case 'decoder-sum':
      return {
        length: n,
        async read(start, count) {
          // Row sums rounded to the model dtype, then plus the bias, rounded again (like the reference).
          const w = (await source.read('decoderWeight', start * L, count * L)) as FloatArray;
          const b = await source.read('decoderBias', start, count);
          const out = allocate(source, count);
          for (let i = 0; i < count; i++) {
            let s = 0;
            for (let j = 0; j < L; j++) s += w[i * L + j] as number;
            out[i] = s;
          }
          roundInPlace(arch.dtype, out);
          if (b) for (let i = 0; i < count; i++) out[i] = (out[i] as number) + (b[i] as number);
          roundInPlace(arch.dtype, out);
          return out;
        },
      };
  }
}

/**
 * lr · u rounded to the GRADIEND's dtype, as torch materialises `learning_rate * chunk` before the
 * in-place add (float64 models keep full precision).
 */
export function scaleInPlace(
  values: FloatArray,
  learningRate: number,
  dtype: GradiendWeightSource['architecture']['dtype'],
): FloatArray {
  const round = dtypeRounder(dtype);
  if (round === null || round === Math.fround) {
    // Float32Array / Float64Array stores round exactly as Math.fround / not at all.
    for (let i = 0; i < values.length; i++) values[i] = learningRate * (values[i] as number);
  } else {
    for (let i = 0; i < values.length; i++) values[i] = round(learningRate * (values[i] as number));
  }
  return values;
}
