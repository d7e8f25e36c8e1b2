/** A seeded xorshift32 generator: deterministic, fast, good enough for synthetic weights. */
export class Xorshift32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Fills `out` with values uniform in [-scale, scale). */
  fill(out: Float32Array, scale = 1): Float32Array {
    let s = this.state;
    const k = (2 * scale) / 2 ** 32;
    for (let i = 0; i < out.length; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = (s >>> 0) * k - scale;
    }
    this.state = s;
    return out;
  }
}
