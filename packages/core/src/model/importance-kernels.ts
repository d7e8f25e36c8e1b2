import type { FloatArray } from './types.js';

/** Σ_j |W[i·L + j]| per row of a row-major [n, L] matrix (decoder rows). */
export function rowAbsSum(weight: FloatArray, rows: number, cols: number, out: FloatArray): void {
  if (cols === 1) {
    for (let i = 0; i < rows; i++) out[i] = Math.abs(weight[i] as number);
    return;
  }
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.abs(weight[i * cols + j] as number);
    out[i] = s;
  }
}

/** Σ_j |W[j·n + i]| per column of a row-major [L, n] matrix (encoder columns). */
export function columnAbsSum(weight: FloatArray, rows: number, cols: number, out: FloatArray): void {
  for (let i = 0; i < cols; i++) out[i] = Math.abs(weight[i] as number);
  for (let j = 1; j < rows; j++) {
    const off = j * cols;
    for (let i = 0; i < cols; i++) out[i] = (out[i] as number) + Math.abs(weight[off + i] as number);
  }
}

/** Σ_j W[i·L + j] per row (the decoder's row sums). */
export function rowSum(weight: FloatArray, rows: number, cols: number, out: FloatArray): void {
  if (cols === 1) {
    out.set(weight.subarray(0, rows));
    return;
  }
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += weight[i * cols + j] as number;
    out[i] = s;
  }
}

/** out[i] = |v[i]| in place. */
export function absInPlace(v: FloatArray): void {
  for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i] as number);
}
