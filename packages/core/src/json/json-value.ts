/**
 * JSON as Python's `json` module sees it: objects keep key order exactly as written (JS objects
 * would move integer-like keys such as "3" first), numbers keep their literal so ints stay ints
 * and floats stay floats (1.0 is not 1). This is what lets a config.json survive load → save
 * byte for byte.
 */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

export class JsonNumber {
  constructor(
    /** The literal as written, e.g. `60`, `0.1`, `1e-05`. */
    readonly text: string,
  ) {}
  get isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }
  get value(): number {
    return Number(this.text);
  }
}

export class JsonObject {
  private readonly map = new Map<string, JsonValue>();

  constructor(entries: Iterable<readonly [string, JsonValue]> = []) {
    for (const [k, v] of entries) this.set(k, v);
  }

  /** Like a Python dict: a repeated key keeps its first position and takes the last value. */
  set(key: string, value: JsonValue): this {
    this.map.set(key, value);
    return this;
  }
  get(key: string): JsonValue | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  delete(key: string): boolean {
    return this.map.delete(key);
  }
  entries(): IterableIterator<[string, JsonValue]> {
    return this.map.entries();
  }
  get size(): number {
    return this.map.size;
  }
}

/** Converts to plain JS values (numbers as numbers). Key order of integer-like keys is lost here. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.value;
  if (v instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries()) out[k] = toPlain(x);
    return out;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

/** Converts plain JS values; integral numbers become ints, others floats (as Python's json would write them). */
export function fromPlain(v: unknown, path = '$'): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof JsonNumber || v instanceof JsonObject) return v;
  if (typeof v === 'number') return new JsonNumber(Number.isInteger(v) ? String(v) : pythonFloatRepr(v));
  if (typeof v === 'bigint') return new JsonNumber(v.toString());
  if (Array.isArray(v)) return v.map((x, i) => fromPlain(x, `${path}[${i}]`));
  if (typeof v === 'object') {
    return new JsonObject(
      Object.entries(v as Record<string, unknown>).map(
        ([k, x]) => [k, fromPlain(x, `${path}.${k}`)] as const,
      ),
    );
  }
  throw new TypeError(`${path}: ${typeof v} is not JSON-serialisable`);
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}
