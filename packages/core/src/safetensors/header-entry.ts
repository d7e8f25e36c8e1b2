import { formatError } from './format-error.js';
import { DTYPES, isDType } from '../tensor/dtype.js';
import type { SafetensorsTensorInfo } from './types.js';

const REQUIRED_KEYS = ['dtype', 'shape', 'data_offsets'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function fail(
  name: string,
  rule: 'tensor-entry' | 'unknown-dtype' | 'shape' | 'offsets' | 'byte-length',
  detail: string,
): never {
  throw formatError(rule, detail, name);
}

/** Product of the dims, checked in order like the reference's `checked_mul` fold. */
function checkedNumel(name: string, shape: readonly number[]): number {
  let numel = 1;
  for (const dim of shape) {
    numel *= dim;
    if (!Number.isSafeInteger(numel)) {
      fail(name, 'shape', `shape [${shape.join(', ')}] has more elements than a safe integer can count`);
    }
  }
  return numel;
}

/**
 * Validates one non-metadata header entry on its own: its fields, dtype, shape and that
 * numel × itemSize equals end − begin. How entries fit together is checked by the caller.
 */
export function parseTensorEntry(name: string, value: unknown): SafetensorsTensorInfo {
  if (!isPlainObject(value)) {
    fail(name, 'tensor-entry', `entry must be an object with dtype, shape and data_offsets`);
  }
  for (const key of REQUIRED_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) fail(name, 'tensor-entry', `entry lacks "${key}"`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !isDType(dtype)) {
    fail(
      name,
      'unknown-dtype',
      `dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(DTYPES).join(', ')}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeSafeInteger)) {
    fail(name, 'shape', `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !isNonNegativeSafeInteger(offsets[0]) ||
    !isNonNegativeSafeInteger(offsets[1])
  ) {
    fail(
      name,
      'offsets',
      `data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets;
  if (end < begin) fail(name, 'offsets', `data_offsets [${begin}, ${end}] end before they begin`);
  const dims = [...shape];
  const numel = checkedNumel(name, dims);
  const byteLength = numel * DTYPES[dtype].itemSize;
  if (!Number.isSafeInteger(byteLength)) {
    fail(
      name,
      'shape',
      `shape [${dims.join(', ')}] of ${dtype} needs more bytes than a safe integer can count`,
    );
  }
  if (end - begin !== byteLength) {
    fail(
      name,
      'byte-length',
      `${dtype} shape [${dims.join(', ')}] needs ${numel} × ${DTYPES[dtype].itemSize} = ${byteLength} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape: dims, begin, end, numel, byteLength };
}
