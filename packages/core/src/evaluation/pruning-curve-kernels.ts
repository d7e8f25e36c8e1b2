// The pruned encode's pass over the input dims (latent 1), by contiguous ranges. Self-contained (no
// imports, no module state): the kernel pool runs its source text in its workers.

/** Input dims per range of the pruned encode's sums; a fixed size, so any thread count adds alike. */
export const PRUNED_SUM_RANGE = 1 << 20;

/** Samples summed per pass over the weights and buckets (fourSampleSumsRange). */
export const PRUNED_SUM_SAMPLES_PER_PASS = 4;

/**
 * partials[pOff + s·stride + b] = Σ w[i]·xs[s][i] over start ≤ i < end with bucket[i] = b, for
 * b < stride and every sample s. Byte buckets at a 4-aligned start sum four samples per pass
 * (fourSampleSumsRange: weights and buckets read once for the four, ~1.6× faster per sample at BERT
 * scale, measured); every path adds a dim into the same lane in the same order, so a sample's sums
 * have the same bits whichever samples it is summed with.
 */
export function prunedSumsRange(
  weight: ArrayLike<number>,
  xs: readonly ArrayLike<number>[],
  bucket: Uint8Array | Uint16Array,
  stride: number,
  start: number,
  end: number,
  partials: Float64Array,
  pOff: number,
): void {
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  const words = bucket instanceof Uint8Array && littleEndian && (bucket.byteOffset + start) % 4 === 0;
  let s = 0;
  if (words)
    for (; s + 4 <= xs.length; s += 4)
      fourSampleSumsRange(
        weight,
        xs[s] as ArrayLike<number>,
        xs[s + 1] as ArrayLike<number>,
        xs[s + 2] as ArrayLike<number>,
        xs[s + 3] as ArrayLike<number>,
        bucket as Uint8Array,
        stride,
        start,
        end,
        partials,
        pOff + s * stride,
      );
  for (; s < xs.length; s++)
    sampleSumsRange(
      weight,
      xs[s] as ArrayLike<number>,
      bucket,
      stride,
      start,
      end,
      words,
      partials,
      pOff + s * stride,
    );
}

/**
 * One sample's sums (see prunedSumsRange). Dim i adds into lane (i − start) mod 8, the lanes are
 * added in lane order at the end: consecutive dims often share a bucket, and fewer lanes make adds
 * wait for the previous store to the same sum. With `words`, byte buckets are read four at a time
 * (one aligned 32-bit load, little-endian), ~18 % faster than single-byte loads at BERT scale
 * (measured); both reads give the same sums.
 */
export function sampleSumsRange(
  weight: ArrayLike<number>,
  x: ArrayLike<number>,
  bucket: Uint8Array | Uint16Array,
  stride: number,
  start: number,
  end: number,
  words: boolean,
  partials: Float64Array,
  pOff: number,
): void {
  const lanes = new Float64Array(8 * stride);
  const s1 = stride;
  const s2 = 2 * stride;
  const s3 = 3 * stride;
  const s4 = 4 * stride;
  const s5 = 5 * stride;
  const s6 = 6 * stride;
  const s7 = 7 * stride;
  const end8 = start + (end - start - ((end - start) % 8));
  let i = start;
  if (words) {
    const q = new Uint32Array(bucket.buffer, bucket.byteOffset + start, (end8 - start) / 4);
    for (let k = 0; k < q.length; k += 2, i += 8) {
      const v = q[k] as number;
      const u = q[k + 1] as number;
      const b0 = v & 0xff;
      const b1 = ((v >>> 8) & 0xff) + s1;
      const b2 = ((v >>> 16) & 0xff) + s2;
      const b3 = (v >>> 24) + s3;
      const b4 = (u & 0xff) + s4;
      const b5 = ((u >>> 8) & 0xff) + s5;
      const b6 = ((u >>> 16) & 0xff) + s6;
      const b7 = (u >>> 24) + s7;
      lanes[b0] = (lanes[b0] as number) + (weight[i] as number) * (x[i] as number);
      lanes[b1] = (lanes[b1] as number) + (weight[i + 1] as number) * (x[i + 1] as number);
      lanes[b2] = (lanes[b2] as number) + (weight[i + 2] as number) * (x[i + 2] as number);
      lanes[b3] = (lanes[b3] as number) + (weight[i + 3] as number) * (x[i + 3] as number);
      lanes[b4] = (lanes[b4] as number) + (weight[i + 4] as number) * (x[i + 4] as number);
      lanes[b5] = (lanes[b5] as number) + (weight[i + 5] as number) * (x[i + 5] as number);
      lanes[b6] = (lanes[b6] as number) + (weight[i + 6] as number) * (x[i + 6] as number);
      lanes[b7] = (lanes[b7] as number) + (weight[i + 7] as number) * (x[i + 7] as number);
    }
  }
  finishSampleLanes(lanes, weight, x, bucket, stride, start, i, end, partials, pOff);
}

/**
 * The end of one sample's pass, shared by both loops so their bits agree: dims [from, end) one at
 * a time into their lanes, then partials[pOff + b] = the lanes of bucket b added in lane order.
 */
export function finishSampleLanes(
  lanes: Float64Array,
  weight: ArrayLike<number>,
  x: ArrayLike<number>,
  bucket: Uint8Array | Uint16Array,
  stride: number,
  start: number,
  from: number,
  end: number,
  partials: Float64Array,
  pOff: number,
): void {
  for (let i = from; i < end; i++) {
    const b = (bucket[i] as number) + ((i - start) % 8) * stride;
    lanes[b] = (lanes[b] as number) + (weight[i] as number) * (x[i] as number);
  }
  for (let b = 0; b < stride; b++) {
    let sum = lanes[b] as number;
    for (let lane = 1; lane < 8; lane++) sum += lanes[b + lane * stride] as number;
    partials[pOff + b] = sum;
  }
}

/**
 * Four samples' sums in one pass over aligned byte buckets (bucket.byteOffset + start ≡ 0 mod 4):
 * each dim's bucket and weight are read once for the four. Lanes, their order and the tail are
 * sampleSumsRange's, so each sample's sums are bit-identical to its own pass.
 */
export function fourSampleSumsRange(
  weight: ArrayLike<number>,
  x0: ArrayLike<number>,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  x3: ArrayLike<number>,
  bucket: Uint8Array,
  stride: number,
  start: number,
  end: number,
  partials: Float64Array,
  pOff: number,
): void {
  const l0 = new Float64Array(8 * stride);
  const l1 = new Float64Array(8 * stride);
  const l2 = new Float64Array(8 * stride);
  const l3 = new Float64Array(8 * stride);
  const s1 = stride;
  const s2 = 2 * stride;
  const s3 = 3 * stride;
  const s4 = 4 * stride;
  const s5 = 5 * stride;
  const s6 = 6 * stride;
  const s7 = 7 * stride;
  const end8 = start + (end - start - ((end - start) % 8));
  const q = new Uint32Array(bucket.buffer, bucket.byteOffset + start, (end8 - start) / 4);
  let i = start;
  for (let k = 0; k < q.length; k += 2, i += 8) {
    const v = q[k] as number;
    const u = q[k + 1] as number;
    const b0 = v & 0xff;
    const b1 = ((v >>> 8) & 0xff) + s1;
    const b2 = ((v >>> 16) & 0xff) + s2;
    const b3 = (v >>> 24) + s3;
    const b4 = (u & 0xff) + s4;
    const b5 = ((u >>> 8) & 0xff) + s5;
    const b6 = ((u >>> 16) & 0xff) + s6;
    const b7 = (u >>> 24) + s7;
    const w0 = weight[i] as number;
    const w1 = weight[i + 1] as number;
    const w2 = weight[i + 2] as number;
    const w3 = weight[i + 3] as number;
    const w4 = weight[i + 4] as number;
    const w5 = weight[i + 5] as number;
    const w6 = weight[i + 6] as number;
    const w7 = weight[i + 7] as number;
    l0[b0] = (l0[b0] as number) + w0 * (x0[i] as number);
    l0[b1] = (l0[b1] as number) + w1 * (x0[i + 1] as number);
    l0[b2] = (l0[b2] as number) + w2 * (x0[i + 2] as number);
    l0[b3] = (l0[b3] as number) + w3 * (x0[i + 3] as number);
    l0[b4] = (l0[b4] as number) + w4 * (x0[i + 4] as number);
    l0[b5] = (l0[b5] as number) + w5 * (x0[i + 5] as number);
    l0[b6] = (l0[b6] as number) + w6 * (x0[i + 6] as number);
    l0[b7] = (l0[b7] as number) + w7 * (x0[i + 7] as number);
    l1[b0] = (l1[b0] as number) + w0 * (x1[i] as number);
    l1[b1] = (l1[b1] as number) + w1 * (x1[i + 1] as number);
    l1[b2] = (l1[b2] as number) + w2 * (x1[i + 2] as number);
    l1[b3] = (l1[b3] as number) + w3 * (x1[i + 3] as number);
    l1[b4] = (l1[b4] as number) + w4 * (x1[i + 4] as number);
    l1[b5] = (l1[b5] as number) + w5 * (x1[i + 5] as number);
    l1[b6] = (l1[b6] as number) + w6 * (x1[i + 6] as number);
    l1[b7] = (l1[b7] as number) + w7 * (x1[i + 7] as number);
    l2[b0] = (l2[b0] as number) + w0 * (x2[i] as number);
    l2[b1] = (l2[b1] as number) + w1 * (x2[i + 1] as number);
    l2[b2] = (l2[b2] as number) + w2 * (x2[i + 2] as number);
    l2[b3] = (l2[b3] as number) + w3 * (x2[i + 3] as number);
    l2[b4] = (l2[b4] as number) + w4 * (x2[i + 4] as number);
    l2[b5] = (l2[b5] as number) + w5 * (x2[i + 5] as number);
    l2[b6] = (l2[b6] as number) + w6 * (x2[i + 6] as number);
    l2[b7] = (l2[b7] as number) + w7 * (x2[i + 7] as number);
    l3[b0] = (l3[b0] as number) + w0 * (x3[i] as number);
    l3[b1] = (l3[b1] as number) + w1 * (x3[i + 1] as number);
    l3[b2] = (l3[b2] as number) + w2 * (x3[i + 2] as number);
    l3[b3] = (l3[b3] as number) + w3 * (x3[i + 3] as number);
    l3[b4] = (l3[b4] as number) + w4 * (x3[i + 4] as number);
    l3[b5] = (l3[b5] as number) + w5 * (x3[i + 5] as number);
    l3[b6] = (l3[b6] as number) + w6 * (x3[i + 6] as number);
    l3[b7] = (l3[b7] as number) + w7 * (x3[i + 7] as number);
  }
  finishSampleLanes(l0, weight, x0, bucket, stride, start, i, end, partials, pOff);
  finishSampleLanes(l1, weight, x1, bucket, stride, start, i, end, partials, pOff + stride);
  finishSampleLanes(l2, weight, x2, bucket, stride, start, i, end, partials, pOff + 2 * stride);
  finishSampleLanes(l3, weight, x3, bucket, stride, start, i, end, partials, pOff + 3 * stride);
}

/** Ranges of PRUNED_SUM_RANGE in an input of `inputDim`. */
export function prunedSumRanges(inputDim: number): number {
  return Math.max(1, Math.ceil(inputDim / PRUNED_SUM_RANGE));
}

/** out[b] = Σ_u partials[u·stride + b] in range order (stride: the values one range sums). */
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
  xs: readonly ArrayLike<number>[],
  bucket: Uint8Array | Uint16Array,
  stride: number,
  out: Float64Array,
): void {
  const n = bucket.length;
  const ranges = prunedSumRanges(n);
  const width = xs.length * stride;
  const partials = new Float64Array(ranges * width);
  for (let u = 0; u < ranges; u++)
    prunedSumsRange(
      weight,
      xs,
      bucket,
      stride,
      u * PRUNED_SUM_RANGE,
      Math.min(n, (u + 1) * PRUNED_SUM_RANGE),
      partials,
      u * width,
    );
  combinePrunedPartials(partials, ranges, width, out);
}
