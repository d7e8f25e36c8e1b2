import { PruneArgumentError } from '../errors.js';
import type { ImportancePart } from './importance.js';
import type { FloatArray } from './types.js';

/**
 * A top-k request. A plain number follows Python's int/float split: an integer is a count, any
 * other number a fraction in (0, 1]. Use `{ fraction: 1 }` for "100 %" (the number 1 is a count).
 */
export type TopKSpec = number | { readonly count: number } | { readonly fraction: number };

export type NormalisedTopK = { readonly kind: 'count' | 'fraction'; readonly value: number };

/** Validates a top-k spec's type; ranges are checked where the reference checks them. */
export function normaliseTopK(topk: unknown): NormalisedTopK {
  if (typeof topk === 'boolean')
    throw new PruneArgumentError('topk must be int or float, not bool', 'TypeError');
  if (typeof topk === 'number') {
    return Number.isInteger(topk) ? { kind: 'count', value: topk } : { kind: 'fraction', value: topk };
  }
  if (topk !== null && typeof topk === 'object') {
    const o = topk as { count?: unknown; fraction?: unknown };
    if (typeof o.count === 'number' && Number.isInteger(o.count)) return { kind: 'count', value: o.count };
    if (typeof o.fraction === 'number') return { kind: 'fraction', value: o.fraction };
  }
  throw new PruneArgumentError(`topk must be int or float, got ${describe(topk)}`, 'TypeError');
}

export function describe(value: unknown): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'list';
  return typeof value;
}

/** Arguments of prune(); the reference's keyword arguments in camelCase. */
export interface PruneOptions {
  readonly topk?: TopKSpec | undefined;
  /** Keep dims with importance ≥ threshold. */
  readonly threshold?: number | undefined;
  /** One byte per current input dim; non-zero = may be kept. */
  readonly mask?: Uint8Array | readonly boolean[] | undefined;
  readonly part?: ImportancePart | undefined;
  /** Replaces the weight importance (length input_dim). */
  readonly importance?: FloatArray | readonly number[] | undefined;
  /** Explicit input-space indices to keep (any order, duplicates ignored); excludes the other criteria. */
  readonly keepIdx?: ArrayLike<number> | undefined;
  /** Modify this model instead of returning a pruned copy. */
  readonly inplace?: boolean | undefined;
}
