// The pruned encode's pass over the input dims (latent 1), by contiguous ranges. Self-contained (no
// imports, no module state): the kernel pool runs its source text in its workers.

/** Input dims per range of the pruned encode's sums; a fixed size, so any thread count adds alike. */
export const PRUNED_SUM_RANGE = 1 << 20;

/**
 * partials[pOff + b] = Σ w[i]·x[i] over start ≤ i < end with bucket[i] = b, for b < stride. Four
 * lanes of sums, added in lane order at the end: consecutive dims often share a bucket, and one
 * accumulator would make every add wait for the previous store.
 */
export function prunedSumsRange(
  weight: ArrayLike<number>,
  x: ArrayLike<number>,
  bucket: Uint8Array | Uint16Array,
  stride: number,
  start: number,
  end: number,
  partials: Float64Array,
  pOff: number,
): void {
  const lanes = new Float64Array(4 * stride);
  const end4 = start + (end - start - ((end - start) % 4));
  let i = start;
  for (; i < end4; i += 4) {
    const b0 = bucket[i] as number;
    const b1 = (bucket[i + 1] as number) + stride;
    const b2 = (bucket[i + 2] as number) + 2 * stride;
    const b3 = (bucket[i + 3] as number) + 3 * stride;
    lanes[b0] = (lanes[b0] as number) + (weight[i] as number) * (x[i] as number);
    lanes[b1] = (lanes[b1] as number) + (weight[i + 1] as number) * (x[i + 1] as number);
    lanes[b2] = (lanes[b2] as number) + (weight[i + 2] as number) * (x[i + 2] as number);
    lanes[b3] = (lanes[b3] as number) + (weight[i + 3] as number) * (x[i + 3] as number);
  }
  for (; i < end; i++) {
    const b = bucket[i] as number;
    lanes[b] = (lanes[b] as number) + (weight[i] as number) * (x[i] as number);
  }
  for (let b = 0; b < stride; b++)
    partials[pOff + b] =
      (lanes[b] as number) +
      (lanes[b + stride] as number) +
      (lanes[b + 2 * stride] as number) +
      (lanes[b + 3 * stride] as number);
}

/** Ranges of PRUNED_SUM_RANGE in an input of `inputDim`. */
export function prunedSumRanges(inputDim: number): number {
  return Math.max(1, Math.ceil(inputDim / PRUNED_SUM_RANGE));
}

/** out[b] = Σ_u partials[u·stride + b] in range order. */
export function combinePrunedPartials(
  partials: Float64Array,
  ranges: number,
  stride: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (let u = 0; u < ranges; u++)
    for (let b = 0; b < stride; b++) out[b] = (out[b] as number) + (partials[u * stride + b] as number);
}

/** The serial pass: every range on this thread, then combined as the kernel pool combines them. */
export function prunedSums(
  weight: ArrayLike<number>,
  x: ArrayLike<number>,
  bucket: Uint8Array | Uint16Array,
  stride: number,
  out: Float64Array,
): void {
  const n = bucket.length;
  const ranges = prunedSumRanges(n);
  const partials = new Float64Array(ranges * stride);
  for (let u = 0; u < ranges; u++)
    prunedSumsRange(
      weight,
      x,
      bucket,
      stride,
      u * PRUNED_SUM_RANGE,
      Math.min(n, (u + 1) * PRUNED_SUM_RANGE),
      partials,
      u * stride,
    );
  combinePrunedPartials(partials, ranges, stride, out);
}
