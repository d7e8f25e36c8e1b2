import { RewriteError } from '../errors.js';
import type { ParamMap } from '../mapping/param-map.js';
import type { IndexArray } from '../mapping/types.js';
import type { DType } from '../tensor/dtype.js';
import type { SafetensorsTensorInfo } from '../safetensors/types.js';
import { buildParamLookup, resolveParamName } from './param-lookup.js';

/** Base dtypes a rewrite can add to. */
export const REWRITABLE_DTYPES = ['F32', 'F64', 'F16', 'BF16'] as const;

export type RewritableDType = (typeof REWRITABLE_DTYPES)[number];

export function isRewritableDType(dtype: DType): dtype is RewritableDType {
  return (REWRITABLE_DTYPES as readonly DType[]).includes(dtype);
}

/** One param-map entry's share of the update vector, landing in one base tensor. */
export interface PlannedUpdate {
  /** The param-map name (may differ from the base tensor's name, see param-lookup). */
  readonly param: string;
  /** First position of the entry's values in the update vector. */
  readonly inputStart: number;
  readonly count: number;
  /** Flat positions in the base tensor, in update-vector order; null: all of it, in order. */
  readonly positions: IndexArray | null;
}

export interface RewritePlan {
  /** Base tensor name → the updates it receives, in param-map order. */
  readonly byTensor: ReadonlyMap<string, readonly PlannedUpdate[]>;
  /** Values of the update vector the mapping consumes (equals its length). */
  readonly used: number;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Places the update vector onto base tensors the way the reference's rewrite walks its param map,
 * failing where it fails, before any byte is written: a name the base lacks (KeyError), an entry
 * that does not fit its tensor or overruns the vector (RuntimeError), a vector the mapping does
 * not consume exactly (ValueError). An 'all' entry takes as many values as the base tensor has.
 */
export function planRewrite(
  map: ParamMap,
  tensors: ReadonlyMap<string, SafetensorsTensorInfo>,
  updateLength: number,
): RewritePlan {
  const lookup = buildParamLookup(tensors.keys());
  const byTensor = new Map<string, PlannedUpdate[]>();
  let idx = 0;
  for (const entry of map.entries) {
    const target = resolveParamName(lookup, entry.name);
    const info = target === undefined ? undefined : tensors.get(target);
    if (target === undefined || info === undefined) {
      throw new RewriteError(`parameter '${entry.name}' is not in the base model`, 'KeyError', entry.name);
    }
    if (!isRewritableDType(info.dtype)) {
      throw new RewriteError(
        `parameter '${entry.name}' is ${info.dtype} in the base model; only floating-point weights can be rewritten`,
        'RuntimeError',
        entry.name,
      );
    }
    let count: number;
    let positions: IndexArray | null = null;
    if (entry.repr === 'all') {
      count = info.numel;
    } else {
      if (entry.repr === 'mask' && !sameShape(entry.shape, info.shape)) {
        throw new RewriteError(
          `parameter '${entry.name}': the mapping's mask has shape [${entry.shape.join(', ')}], the base tensor [${info.shape.join(', ')}]`,
          'RuntimeError',
          entry.name,
        );
      }
      positions = entry.selectedPositions();
      count = positions.length;
      for (let i = 0; i < count; i++) {
        if ((positions[i] as number) >= info.numel) {
          throw new RewriteError(
            `parameter '${entry.name}': mapped position ${positions[i]} is outside the base tensor of ${info.numel} values`,
            'RuntimeError',
            entry.name,
          );
        }
      }
    }
    if (idx + count > updateLength) {
      throw new RewriteError(
        `parameter '${entry.name}' needs update values [${idx}, ${idx + count}), but the update vector has ${updateLength}`,
        'RuntimeError',
        entry.name,
      );
    }
    let list = byTensor.get(target);
    if (!list) byTensor.set(target, (list = []));
    list.push({ param: entry.name, inputStart: idx, count, positions });
    idx += count;
  }
  if (idx !== updateLength) {
    throw new RewriteError(
      `the mapping consumes ${idx} update values, but the update vector has ${updateLength}`,
      'ValueError',
    );
  }
  return { byTensor, used: idx };
}
