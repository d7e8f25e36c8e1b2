/**
 * The dtype table shared by every file format we read or write. Names are the safetensors dtype
 * strings; `MODEL_DTYPES` maps the torch names used in `config.json` (`torch_dtype`) onto them.
 */
export interface DataTypeMap {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

export type DType = keyof DataTypeMap;

export type TypedArray = DataTypeMap[DType];

interface DTypeInfo<T extends DType> {
  readonly itemSize: number;
  readonly create: (lengthOrBuffer: number) => DataTypeMap[T];
  readonly view: (buffer: ArrayBufferLike, byteOffset: number, length: number) => DataTypeMap[T];
}

// Must stay in sync with DataTypeMap above: one runtime entry per compile-time entry.
export const DTYPES: { readonly [T in DType]: DTypeInfo<T> } = {
  F64: { itemSize: 8, create: (n) => new Float64Array(n), view: (b, o, n) => new Float64Array(b, o, n) },
  F32: { itemSize: 4, create: (n) => new Float32Array(n), view: (b, o, n) => new Float32Array(b, o, n) },
  F16: { itemSize: 2, create: (n) => new Uint16Array(n), view: (b, o, n) => new Uint16Array(b, o, n) },
  BF16: { itemSize: 2, create: (n) => new Uint16Array(n), view: (b, o, n) => new Uint16Array(b, o, n) },
  I64: { itemSize: 8, create: (n) => new BigInt64Array(n), view: (b, o, n) => new BigInt64Array(b, o, n) },
  I32: { itemSize: 4, create: (n) => new Int32Array(n), view: (b, o, n) => new Int32Array(b, o, n) },
  I16: { itemSize: 2, create: (n) => new Int16Array(n), view: (b, o, n) => new Int16Array(b, o, n) },
  I8: { itemSize: 1, create: (n) => new Int8Array(n), view: (b, o, n) => new Int8Array(b, o, n) },
  U8: { itemSize: 1, create: (n) => new Uint8Array(n), view: (b, o, n) => new Uint8Array(b, o, n) },
  BOOL: { itemSize: 1, create: (n) => new Uint8Array(n), view: (b, o, n) => new Uint8Array(b, o, n) },
};

export function isDType(name: string): name is DType {
  return Object.prototype.hasOwnProperty.call(DTYPES, name);
}

/** Floating-point dtypes a GRADIEND model's weights may be stored in (torch names, as in config.json). */
export type ModelDType = 'float32' | 'float64' | 'float16' | 'bfloat16';

export const MODEL_DTYPES: { readonly [T in ModelDType]: 'F32' | 'F64' | 'F16' | 'BF16' } = {
  float32: 'F32',
  float64: 'F64',
  float16: 'F16',
  bfloat16: 'BF16',
};

export function isModelDType(name: string): name is ModelDType {
  return Object.prototype.hasOwnProperty.call(MODEL_DTYPES, name);
}
