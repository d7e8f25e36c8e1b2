import { ComparisonError } from '../errors.js';
import { pythonStrRepr } from '../evaluation/statistics.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import { assertSameBaseSpace, blocksOf, selectedLocals, squaredNorm } from './model-coordinates.js';
import type { Blocks } from './model-coordinates.js';
import { averageRanks, cosine, pearsonOrZero } from './pair-measures.js';
import type { VectorSide } from './pair-measures.js';
import { entrySegment, subsetView, viewOf } from './selection-view.js';
import type { Segment, SelectionView } from './selection-view.js';
import { topkEcho, validateTopk } from './similarity-matrix.js';

/** 'param' (one group per parameter), 'layer' (layer_<n> from the name), 'component', a name → group table, or a function. */
export type GroupBy = string | null | Readonly<Record<string, string>> | ((paramName: string) => string);

export interface GroupedSimilarityOptions {
  /** cosine (default), cosine_signed, spearman, spearman_signed. */
  readonly measure?: string;
  /** Default 'encoder-weight'. */
  readonly part?: string | null;
  readonly topk?: TopKSpec | null;
  /** Default 'param'. */
  readonly groupBy?: GroupBy;
  /**
   * false puts every coordinate into the group of the name "other", which is what the reference
   * does when it cannot decode base-global indices into parameter names (its decoder needs
   * torch.unravel_index, PyTorch ≥ 2.2; the reference fixtures were made with PyTorch 1.13).
   */
  readonly decodeParamNames?: boolean;
}

export interface GroupSimilarity {
  readonly measure: string;
  readonly group: string;
  readonly group_by: string;
  readonly model_ids: string[];
  readonly matrix: number[][];
  readonly part: string;
  readonly topk: number | null;
}

const GROUPED_MEASURES = ['cosine', 'cosine_signed', 'spearman', 'spearman_signed'];

const LAYER_PATTERN = /(?:layers?|layer|encoder\.layer|decoder\.layer|h)\.(\d+)/;

/** The reference's `_group_name_from_param`. */
export function groupOfParam(paramName: string, groupBy: GroupBy): string {
  if (groupBy === null || groupBy === 'param') return paramName;
  if (typeof groupBy === 'function') return String(groupBy(paramName));
  if (typeof groupBy === 'object') return String(groupBy[paramName] ?? 'other');
  const g = groupBy.toLowerCase();
  if (g === 'layer') {
    const m = LAYER_PATTERN.exec(paramName);
    return m ? `layer_${m[1]}` : 'other';
  }
  if (g === 'component') return componentOf(paramName.toLowerCase());
  throw new ComparisonError("grouping must be None, 'param', 'layer', 'component', a dict, or a callable");
}

function componentOf(name: string): string {
  if (name.includes('embeddings') || name.includes('embedding')) return 'embeddings';
  if (/(query|q_proj|wq)/.test(name)) return 'attention_query';
  if (/(key|k_proj|wk)/.test(name)) return 'attention_key';
  if (/(value|v_proj|wv)/.test(name)) return 'attention_value';
  if (/(o_proj|out_proj|dense)/.test(name) && name.includes('attention')) return 'attention_output';
  if (/(intermediate|up_proj|gate_proj|fc1)/.test(name)) return 'mlp_up';
  if (/(output|down_proj|fc2)/.test(name) && !name.includes('attention')) return 'mlp_down';
  if (name.includes('norm') || name.includes('ln')) return 'normalization';
  if (name.includes('lm_head') || name.includes('classifier') || name.includes('score')) return 'head';
  return 'other';
}

function groupByEcho(groupBy: GroupBy | undefined): string {
  if (groupBy === undefined || groupBy === null) return 'param';
  if (typeof groupBy === 'string') return groupBy;
  if (typeof groupBy === 'function') return groupBy.name || 'function';
  return `{${Object.entries(groupBy)
    .map(([k, v]) => `${pythonStrRepr(k)}: ${pythonStrRepr(v)}`)
    .join(', ')}}`;
}

/**
 * One similarity matrix per parameter group (the reference's compute_grouped_similarity_matrices):
 * each model's selected coordinates are split by the group of their parameter, groups in order of
 * first appearance.
 */
export function groupedSimilarityMatrices(
  models: ReadonlyMap<string, GradiendModel> | Readonly<Record<string, GradiendModel>>,
  options: GroupedSimilarityOptions = {},
): Record<string, GroupSimilarity> {
  const entries: [string, GradiendModel][] =
    models instanceof Map ? [...(models as ReadonlyMap<string, GradiendModel>)] : Object.entries(models);
  if (entries.length < 2) throw new ComparisonError('At least 2 models are required.');
  if (entries.some(([, m]) => Array.isArray(m)))
    throw new ComparisonError('Similarity measures require models with a .gradiend attribute', 'TypeError');
  const topk = validateTopk(options.topk);
  const measure = (options.measure || 'cosine').toLowerCase();
  if (!GROUPED_MEASURES.includes(measure))
    throw new ComparisonError(
      'Grouped similarities currently support cosine/cosine_signed/spearman/spearman_signed',
    );
  const part = (options.part || 'encoder-weight').toLowerCase();
  const groupBy = options.groupBy ?? 'param';
  const decode = options.decodeParamNames ?? true;

  const perModel = entries.map(([, model]) => {
    const locals = selectedLocals(model, part, topk);
    const blocks = blocksOf(model, part);
    return {
      blocks,
      views: groupViews(model, locals, (name) => groupOfParam(decode ? name : 'other', groupBy)),
    };
  });
  assertSameBaseSpace(entries.map(([id, model]) => ({ id, model })));
  const groupNames: string[] = [];
  for (const { views } of perModel)
    for (const g of views.keys()) if (!groupNames.includes(g)) groupNames.push(g);

  const empty: SelectionView = { segments: [], size: 0 };
  const ids = entries.map(([id]) => id);
  const out: Record<string, GroupSimilarity> = {};
  for (const group of groupNames) {
    const sides: VectorSide[] = perModel.map(({ blocks, views }) => {
      const view = views.get(group) ?? empty;
      return { view, blocks, squaredNorm: squaredNorm(blocks, view) };
    });
    const matrix = sides.map((a) =>
      sides.map((b) => {
        const score = measure.startsWith('cosine') ? cosine(a, b) : unionSpearman(a, b);
        return measure === 'cosine' || measure === 'spearman' ? Math.abs(score) : score;
      }),
    );
    out[group] = {
      measure,
      group,
      group_by: groupByEcho(options.groupBy),
      model_ids: ids,
      matrix,
      part,
      topk: topkEcho(topk),
    };
  }
  return out;
}

/** Each group's selected coordinates of one model, groups in order of first appearance (local order). */
function groupViews(
  model: GradiendModel,
  locals: Int32Array | null,
  groupOf: (paramName: string) => string,
): Map<string, SelectionView> {
  const map = model.paramMap;
  const views = new Map<string, SelectionView>();
  if (locals === null) {
    const segments = new Map<string, Segment[]>();
    map.entries.forEach((e, i) => {
      const s = entrySegment(map, i);
      if (!s) return;
      const g = groupOf(e.name);
      segments.set(g, [...(segments.get(g) ?? []), s]);
    });
    for (const [g, segs] of segments) views.set(g, viewOf(segs));
    return views;
  }
  const byGroup = new Map<string, number[]>();
  for (const l of locals) {
    const g = groupOf((map.entries[map.entryIndexOfInput(l)] as { name: string }).name);
    const list = byGroup.get(g);
    if (list) list.push(l);
    else byGroup.set(g, [l]);
  }
  for (const [g, ls] of byGroup) views.set(g, subsetView(map, Int32Array.from(ls)));
  return views;
}

/** The grouped Spearman: Pearson r of average ranks over the union of both models' coordinates, zero-filled. */
function unionSpearman(a: VectorSide, b: VectorSide): number {
  const xs = coordinates(a.view);
  const ys = coordinates(b.view);
  const dim = xs.base.length ? a.blocks.dim : b.blocks.dim;
  const vx: number[] = [];
  const vy: number[] = [];
  const push = (out: number[], blocks: Blocks, local: number | null): void => {
    for (let d = 0; d < dim; d++)
      out.push(
        local === null ? 0 : (blocks.data[local * blocks.strideLocal + d * blocks.strideDim] as number),
      );
  };
  let i = 0;
  let j = 0;
  while (i < xs.base.length || j < ys.base.length) {
    const x = i < xs.base.length ? (xs.base[i] as number) : Infinity;
    const y = j < ys.base.length ? (ys.base[j] as number) : Infinity;
    push(vx, a.blocks, x <= y ? (xs.local[i] as number) : null);
    push(vy, b.blocks, y <= x ? (ys.local[j] as number) : null);
    if (x <= y) i++;
    if (y <= x) j++;
  }
  if (vx.length === 0) return 0;
  return pearsonOrZero(averageRanks(vx), averageRanks(vy));
}

function coordinates(view: SelectionView): { base: Float64Array; local: Int32Array } {
  const base = new Float64Array(view.size);
  const local = new Int32Array(view.size);
  let k = 0;
  for (const s of view.segments) {
    if (s.kind === 'range') {
      for (let t = 0; t < s.length; t++, k++) {
        base[k] = s.baseStart + t;
        local[k] = s.localStart + t;
      }
    } else {
      base.set(s.base, k);
      local.set(s.local, k);
      k += s.base.length;
    }
  }
  return { base, local };
}
