/** Handwritten digits as the demo uses them: one row of `side × side` pixels in [0, 1] per image. */
export interface DigitSet {
  readonly side: number;
  /** [count, side²] row-major. */
  readonly pixels: Float32Array;
  /** The digit of each row. */
  readonly labels: Int32Array;
}

export function digitCount(set: DigitSet): number {
  return set.labels.length;
}

/**
 * Area-average downsampling of square images (`from` × `from` → `to` × `to`): every output pixel is
 * the mean of the input area it covers, with partly covered input pixels weighted by their share.
 * 28 → 8 gives the 8×8 layout of the reference demo's UCI digits.
 */
export function downsampleImages(
  images: ArrayLike<number>,
  count: number,
  from: number,
  to: number,
): Float32Array {
  if (images.length !== count * from * from) {
    throw new RangeError(
      `expected ${count} images of ${from}×${from} (${count * from * from} values), got ${images.length}`,
    );
  }
  const ratio = from / to;
  // weights[o][i]: how much of input row/column i falls into output row/column o.
  const weights: Array<Array<[number, number]>> = [];
  for (let o = 0; o < to; o++) {
    const lo = o * ratio;
    const hi = lo + ratio;
    const taps: Array<[number, number]> = [];
    for (let i = Math.floor(lo); i < Math.ceil(hi); i++) {
      const overlap = Math.min(hi, i + 1) - Math.max(lo, i);
      if (overlap > 0) taps.push([i, overlap / ratio]);
    }
    weights.push(taps);
  }
  const out = new Float32Array(count * to * to);
  for (let k = 0; k < count; k++) {
    const src = k * from * from;
    const dst = k * to * to;
    for (let r = 0; r < to; r++) {
      for (let c = 0; c < to; c++) {
        let s = 0;
        for (const [ir, wr] of weights[r] as Array<[number, number]>) {
          for (const [ic, wc] of weights[c] as Array<[number, number]>)
            s += wr * wc * (images[src + ir * from + ic] as number);
        }
        out[dst + r * to + c] = s;
      }
    }
  }
  return out;
}

/** The rows of `set` at `indices`, in that order. */
export function selectDigits(set: DigitSet, indices: ArrayLike<number>): DigitSet {
  const width = set.side * set.side;
  const pixels = new Float32Array(indices.length * width);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i] as number;
    pixels.set(set.pixels.subarray(k * width, (k + 1) * width), i * width);
    labels[i] = set.labels[k] as number;
  }
  return { side: set.side, pixels, labels };
}
