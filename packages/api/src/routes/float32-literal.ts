/**
 * Decimal JSON number literals straight to float32, without building a string per number.
 *
 * The value must be what `Math.fround(Number(literal))` gives (the correctly rounded double,
 * rounded again to float32), since that is what JSON.parse into a Float32Array — and the Python
 * reference's `torch.tensor(json_rows)` — give. The fast path computes the double approximately
 * (error below 2^-50 relative: at most 17 significant digits, exact powers of ten up to 1e22, at
 * most three roundings) and keeps the float32 it rounds to only when that double is clearly away
 * from the midpoint between two float32 neighbours; only then can the exact double round to a
 * different float32. The rest (near a midpoint, near the float32 limits: well under 1 % of real
 * inputs) takes the exact conversion through `Number`.
 */

/** 10^0 … 10^22: every one is exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
const E22 = 1e22;
/** Below this relative distance to a float32 midpoint the approximate double cannot decide. */
const MIDPOINT_GUARD = 2 ** -40;
/** Past this magnitude the exact path decides (it tells float32 overflow from FLT_MAX). */
const NEAR_FLT_MAX = 3.4e38;
/** Significant digits kept; more change the value by under 1e-16 relative. */
const MAX_DIGITS = 17;
const FLT_MAX = 3.4028234663852886e38;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Reads number literals out of one byte buffer; `end` is where the last successful read stopped. */
export class Float32LiteralReader {
  /** One past the last literal read, -1 after a read that found none (a field, not a result object: the hot loop allocates nothing). */
  end = 0;
  /** How many reads the fast path could not decide (took `Number`). */
  exactReads = 0;
  private readonly f32 = new Float32Array(1);
  private readonly u32 = new Uint32Array(this.f32.buffer);

  constructor(private readonly bytes: Uint8Array) {}

  /**
   * The JSON number literal at `pos` as float32; NaN when its value lies outside the float32 range
   * (|x| > FLT_MAX as a double); undefined when no JSON number literal starts at `pos`.
   */
  read(pos: number): number | undefined {
    const fast = this.readFast(pos);
    if (fast !== undefined || this.end < 0) return fast;
    this.exactReads++;
    const { buffer, byteOffset } = this.bytes;
    const literal = Buffer.from(buffer, byteOffset + pos, this.end - pos).toString('latin1');
    const value = Number(literal);
    return Math.abs(value) <= FLT_MAX ? Math.fround(value) : NaN;
  }

  /** The fast path: undefined when undecided (`end` ≥ 0) or not a literal (`end` = -1). */
  private readFast(pos: number): number | undefined {
    this.end = -1;
    const bytes = this.bytes;
    let i = pos;
    let negative = false;
    if (bytes[i] === 0x2d) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    let c = bytes[i] ?? 0;
    if (c === 0x30) {
      i++;
      // JSON has no leading zeros: "01" is not a number.
      if (isDigit(bytes[i] ?? 0)) return undefined;
    } else if (c >= 0x31 && c <= 0x39) {
      while (isDigit((c = bytes[i] ?? 0))) {
        if (digits < MAX_DIGITS) {
          mantissa = mantissa * 10 + (c - 0x30);
          digits++;
        } else {
          exponent++;
        }
        i++;
      }
    } else {
      return undefined;
    }
    if (bytes[i] === 0x2e) {
      i++;
      if (!isDigit(bytes[i] ?? 0)) return undefined;
      while (isDigit((c = bytes[i] ?? 0))) {
        if (digits < MAX_DIGITS) {
          mantissa = mantissa * 10 + (c - 0x30);
          exponent--;
          // Leading zeros of a fraction (0.000123) are not significant digits.
          if (mantissa !== 0) digits++;
        }
        i++;
      }
    }
    c = bytes[i] ?? 0;
    if (c === 0x65 || c === 0x45) {
      i++;
      let negativeExponent = false;
      c = bytes[i] ?? 0;
      if (c === 0x2b || c === 0x2d) {
        negativeExponent = c === 0x2d;
        i++;
      }
      if (!isDigit(bytes[i] ?? 0)) return undefined;
      let e = 0;
      while (isDigit((c = bytes[i] ?? 0))) {
        // Far past the float32 range either way; capping keeps e an exact integer.
        if (e < 100_000) e = e * 10 + (c - 0x30);
        i++;
      }
      exponent += negativeExponent ? -e : e;
    }
    this.end = i;

    let value: number;
    if (mantissa === 0) {
      value = 0;
    } else if (exponent >= 0) {
      if (exponent > 44) return undefined;
      value =
        exponent <= 22 ? mantissa * (POW10[exponent] ?? 0) : mantissa * E22 * (POW10[exponent - 22] ?? 0);
    } else {
      const k = -exponent;
      if (k <= 22) value = mantissa / (POW10[k] ?? 1);
      else if (k <= 44) value = mantissa / E22 / (POW10[k - 22] ?? 1);
      else if (k <= 66) value = mantissa / E22 / E22 / (POW10[k - 44] ?? 1);
      // Below 1e17 · 1e-67 = 1e-50, far under half the smallest float32 subnormal (7e-46): zero.
      else value = 0;
    }
    if (!(value < NEAR_FLT_MAX)) return undefined;
    const rounded = Math.fround(value);
    if (rounded !== value) {
      // The float32 neighbour on the other side of `value`, and the midpoint between the two
      // (exact in a double). Magnitudes only: float32 is sign-magnitude, so ±1 on the bits steps
      // away from or towards zero.
      this.f32[0] = rounded;
      this.u32[0] = (this.u32[0] ?? 0) + (value > rounded ? 1 : -1);
      const midpoint = (rounded + (this.f32[0] ?? 0)) / 2;
      if (Math.abs(value - midpoint) <= midpoint * MIDPOINT_GUARD) return undefined;
    }
    return negative ? -rounded : rounded;
  }
}
