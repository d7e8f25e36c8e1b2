import { ComparisonError, PruneArgumentError } from '../errors.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import type { FloatArray } from '../model/types.js';
import { fullView, subsetView } from './selection-view.js';
import type { SelectionView } from './selection-view.js';

/**
 * The values one model contributes per selected input dim: `dim` numbers (the latent block of an
 * encoder column / decoder row, or one update-vector entry), value(local, d) = data[local·strideLocal + d·strideDim].
 */
export interface Blocks {
  readonly data: FloatArray;
  readonly dim: number;
  readonly strideLocal: number;
  readonly strideDim: number;
}

/** Runs a core call, turning its argument errors (bad part, bad top-k) into comparison errors. */
export function asComparisonError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof PruneArgumentError) throw new ComparisonError(e.message, e.referenceType);
    throw e;
  }
}

/** The local indices a comparison looks at: all dims, or the model's own top-k (the reference's get_topk_weights). */
export function selectedLocals(model: GradiendModel, part: string, topk: TopKSpec | null): Int32Array | null {
  if (topk === null) return null;
  return asComparisonError(() => model.topK(part as ImportancePart, topk));
}

export function selectionView(model: GradiendModel, locals: Int32Array | null): SelectionView {
  return locals === null ? fullView(model.paramMap) : subsetView(model.paramMap, locals);
}

/** The reference's `_extract_sparse_blocks` values of a part, as strided views of the weights. */
export function blocksOf(model: GradiendModel, part: string): Blocks {
  const n = model.inputDim;
  const l = model.latentDim;
  switch (part) {
    case 'encoder-weight':
      return { data: model.computeWeights().encoderWeight, dim: l, strideLocal: 1, strideDim: n };
    case 'decoder-weight':
      return { data: model.computeWeights().decoderWeight, dim: l, strideLocal: l, strideDim: 1 };
    case 'decoder-bias':
    case 'decoder-sum':
      return {
        data: asComparisonError(() => model.updateVector(part)),
        dim: 1,
        strideLocal: 1,
        strideDim: 0,
      };
    default:
      throw new ComparisonError(
        "Supported parts are 'encoder-weight', 'decoder-weight', 'decoder-bias', and 'decoder-sum'",
      );
  }
}

/** Sum of squares of the blocks over a view (the squared norm of the model's aligned vector). */
export function squaredNorm(blocks: Blocks, view: SelectionView): number {
  const { data, dim, strideLocal, strideDim } = blocks;
  let s = 0;
  for (const seg of view.segments) {
    if (seg.kind === 'range' && dim === 1) {
      const end = (seg.localStart + seg.length) * strideLocal;
      for (let at = seg.localStart * strideLocal; at < end; at += strideLocal) {
        const v = data[at] as number;
        s += v * v;
      }
      continue;
    }
    const count = seg.kind === 'range' ? seg.length : seg.local.length;
    for (let k = 0; k < count; k++) {
      const at = (seg.kind === 'range' ? seg.localStart + k : (seg.local[k] as number)) * strideLocal;
      for (let d = 0; d < dim; d++) {
        const v = data[at + d * strideDim] as number;
        s += v * v;
      }
    }
  }
  return s;
}

/** One model's parameter list as names and shapes: a loaded model's map or a stored summary's. */
export interface ParamSpace {
  readonly id: string;
  readonly params: readonly { readonly name: string; readonly shape: readonly number[] }[];
}

/**
 * Refuses models over different base parameter spaces: base-global indices only name the same
 * coordinates when every model maps the same parameters (names and shapes, in the same order).
 * Takes parameter lists, so a server can refuse from stored summaries before loading any weights.
 */
export function assertSameParamSpace(spaces: readonly ParamSpace[]): void {
  const first = spaces[0];
  if (!first) return;
  const describe = (s: ParamSpace): string[] => s.params.map((e) => `${e.name} [${e.shape.join(', ')}]`);
  const want = describe(first);
  for (const space of spaces.slice(1)) {
    const got = describe(space);
    const at = want.findIndex((w, i) => got[i] !== w);
    if (at >= 0 || got.length !== want.length) {
      const i = at >= 0 ? at : Math.min(want.length, got.length);
      throw new ComparisonError(
        `models '${first.id}' and '${space.id}' map different base parameter spaces (parameter ${i}: ` +
          `${want[i] ?? 'none'} vs ${got[i] ?? 'none'}); base-global indices only align over the same parameters`,
      );
    }
  }
}

/** `assertSameParamSpace` over loaded models. */
export function assertSameBaseSpace(
  models: readonly { readonly id: string; readonly model: GradiendModel }[],
): void {
  assertSameParamSpace(models.map(({ id, model }) => ({ id, params: model.paramMap.entries })));
}
