import type { DType } from '../tensor/dtype.js';

// Position of each dtype in the reference's `Dtype` enum (safetensors/src/tensor.rs:
// BOOL < U8 < I8 < I16 < U16 < F16 < BF16 < I32 < U32 < F32 < F64 < I64 < U64, F8/F4 variants
// omitted). Only the relative order matters; the fixtures confirm I64 before F32 before U8.
const DTYPE_RANK: { readonly [T in DType]: number } = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  I16: 3,
  F16: 4,
  BF16: 5,
  I32: 6,
  F32: 7,
  F64: 8,
  I64: 9,
};

/** Map a UTF-16 code unit so that unit order equals code point order (see compareUtf8). */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * Rust compares `String`s by their UTF-8 bytes, which is code point order. Plain JS `<` compares
 * UTF-16 code units and differs only when a character above U+FFFF (a surrogate pair) meets one in
 * U+E000–U+FFFF; remapping the first differing unit fixes exactly that case.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** The reference's write order: dtype descending (enum order), then name ascending by UTF-8 bytes. */
export function compareForLayout(
  a: { readonly name: string; readonly dtype: DType },
  b: { readonly name: string; readonly dtype: DType },
): number {
  return DTYPE_RANK[b.dtype] - DTYPE_RANK[a.dtype] || compareUtf8(a.name, b.name);
}
