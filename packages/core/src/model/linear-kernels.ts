import type { FloatArray } from './types.js';

/** Σ a[aOff + i]·b[bOff + i] for i < n, with four float64 accumulators for speed and accuracy. */
export function dot(a: FloatArray, aOff: number, b: FloatArray, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const n4 = n - (n % 4);
  for (; i < n4; i += 4) {
    s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
    s1 += (a[aOff + i + 1] as number) * (b[bOff + i + 1] as number);
    s2 += (a[aOff + i + 2] as number) * (b[bOff + i + 2] as number);
    s3 += (a[aOff + i + 3] as number) * (b[bOff + i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[aOff + i] as number) * (b[bOff + i] as number);
  return s0 + s1 + s2 + s3;
}

/** Input positions per block: a block of every weight row stays in cache while all batch rows use it. */
const ENCODE_BLOCK = 16384;

/**
 * acc[a + k] += Σ_i w[wOff + i] · xk[xOff + i] for four rows at once: each weight is loaded once for
 * four products, which makes the batch encode ~30% faster than four separate dots (measured).
 */
function dotFourRows(
  w: FloatArray,
  wOff: number,
  x0: FloatArray,
  x1: FloatArray,
  x2: FloatArray,
  x3: FloatArray,
  xOff: number,
  n: number,
  acc: Float64Array,
  a: number,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  let i = 0;
  const even = n - (n % 2);
  for (; i < even; i += 2) {
    const wa = w[wOff + i] as number;
    const wb = w[wOff + i + 1] as number;
    const o = xOff + i;
    s0 += wa * (x0[o] as number);
    t0 += wb * (x0[o + 1] as number);
    s1 += wa * (x1[o] as number);
    t1 += wb * (x1[o + 1] as number);
    s2 += wa * (x2[o] as number);
    t2 += wb * (x2[o + 1] as number);
    s3 += wa * (x3[o] as number);
    t3 += wb * (x3[o + 1] as number);
  }
  if (i < n) {
    const wa = w[wOff + i] as number;
    const o = xOff + i;
    s0 += wa * (x0[o] as number);
    s1 += wa * (x1[o] as number);
    s2 += wa * (x2[o] as number);
    s3 += wa * (x3[o] as number);
  }
  acc[a] = (acc[a] as number) + s0 + t0;
  acc[a + 1] = (acc[a + 1] as number) + s1 + t1;
  acc[a + 2] = (acc[a + 2] as number) + s2 + t2;
  acc[a + 3] = (acc[a + 3] as number) + s3 + t3;
}

/**
 * out[r·L + j] = Σ_i W[j·n + i] · rows[r][i] + bias[j]  (W row-major [L, n]); bias may be null.
 * Blocked over i so the weights stream through memory once for the whole batch.
 */
export function encodeLinear(
  weight: FloatArray,
  bias: FloatArray | null,
  latentDim: number,
  inputDim: number,
  rows: readonly FloatArray[],
  out: FloatArray,
): void {
  const B = rows.length;
  // acc is [latent][row] so four consecutive rows of one latent are adjacent.
  const acc = new Float64Array(B * latentDim);
  for (let start = 0; start < inputDim; start += ENCODE_BLOCK) {
    const len = Math.min(ENCODE_BLOCK, inputDim - start);
    for (let j = 0; j < latentDim; j++) {
      const wOff = j * inputDim + start;
      let r = 0;
      for (; r + 4 <= B; r += 4) {
        dotFourRows(
          weight,
          wOff,
          rows[r] as FloatArray,
          rows[r + 1] as FloatArray,
          rows[r + 2] as FloatArray,
          rows[r + 3] as FloatArray,
          start,
          len,
          acc,
          j * B + r,
        );
      }
      for (; r < B; r++)
        acc[j * B + r] = (acc[j * B + r] as number) + dot(weight, wOff, rows[r] as FloatArray, start, len);
    }
  }
  for (let r = 0; r < B; r++) {
    for (let j = 0; j < latentDim; j++)
      out[r * latentDim + j] = (acc[j * B + r] as number) + (bias ? (bias[j] as number) : 0);
  }
}

/**
 * out[r·n + i] = Σ_j W[i·L + j] · h[r·L + j] + bias[i]  (W row-major [n, L]); bias may be null.
 */
export function decodeLinear(
  weight: FloatArray,
  bias: FloatArray | null,
  latentDim: number,
  inputDim: number,
  latent: FloatArray,
  batch: number,
  out: FloatArray,
): void {
  for (let r = 0; r < batch; r++) {
    const o = r * inputDim;
    if (latentDim === 1) {
      const h = latent[r] as number;
      if (bias)
        for (let i = 0; i < inputDim; i++) out[o + i] = (weight[i] as number) * h + (bias[i] as number);
      else for (let i = 0; i < inputDim; i++) out[o + i] = (weight[i] as number) * h;
      continue;
    }
    for (let i = 0; i < inputDim; i++) {
      let s = bias ? (bias[i] as number) : 0;
      for (let j = 0; j < latentDim; j++)
        s += (weight[i * latentDim + j] as number) * (latent[r * latentDim + j] as number);
      out[o + i] = s;
    }
  }
}
