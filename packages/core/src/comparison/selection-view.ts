import type { ParamMap } from '../mapping/param-map.js';

/**
 * Which coordinates of the base-parameter space a model contributes, in ascending base-global
 * order, without materialising the base space: a parameter selected whole is one range, anything
 * else a sorted list. An unpruned BERT-base model is 200 ranges, not 10^8 indices.
 */
export type Segment =
  | {
      readonly kind: 'range';
      readonly baseStart: number;
      readonly localStart: number;
      readonly length: number;
    }
  | { readonly kind: 'list'; readonly base: Float64Array; readonly local: Int32Array };

export interface SelectionView {
  readonly segments: readonly Segment[];
  /** Number of coordinates (local indices) in the view. */
  readonly size: number;
}

/** Every input dim of a model, by parameter. */
export function fullView(map: ParamMap): SelectionView {
  const segments: Segment[] = [];
  map.entries.forEach((_, i) => {
    const s = entrySegment(map, i);
    if (s) segments.push(s);
  });
  return { segments: orderSegments(segments), size: map.selectedTotal };
}

/** The selected dims of param-map entry `i` as one segment (null when it selects none). */
export function entrySegment(map: ParamMap, i: number): Segment | null {
  const e = map.entries[i];
  if (!e || e.numSelected === 0) return null;
  const baseStart = map.baseOffsets[i] as number;
  const localStart = map.inputOffsets[i] as number;
  if (e.repr === 'all') return { kind: 'range', baseStart, localStart, length: e.numel };
  const pos = e.selectedPositions();
  const base = new Float64Array(pos.length);
  const local = new Int32Array(pos.length);
  for (let j = 0; j < pos.length; j++) {
    base[j] = baseStart + (pos[j] as number);
    local[j] = localStart + j;
  }
  return sortedList(base, local);
}

/** A view of segments (of disjoint base ranges) in any order. */
export function viewOf(segments: Segment[]): SelectionView {
  const size = segments.reduce((n, s) => n + (s.kind === 'range' ? s.length : s.local.length), 0);
  return { segments: orderSegments(segments), size };
}

/** The given local indices (e.g. a top-k list, in any order). */
export function subsetView(map: ParamMap, locals: Int32Array): SelectionView {
  const base = new Float64Array(locals.length);
  for (let j = 0; j < locals.length; j++) base[j] = map.baseGlobalIndex(locals[j] as number);
  return { segments: locals.length ? [sortedList(base, Int32Array.from(locals))] : [], size: locals.length };
}

/** Sorts (base, local) pairs by base unless they already are (a pruned map usually is). */
function sortedList(base: Float64Array, local: Int32Array): Segment {
  let sorted = true;
  for (let j = 1; j < base.length && sorted; j++) sorted = (base[j - 1] as number) < (base[j] as number);
  if (sorted) return { kind: 'list', base, local };
  const order = new Int32Array(base.length);
  for (let j = 0; j < order.length; j++) order[j] = j;
  order.sort((x, y) => (base[x] as number) - (base[y] as number));
  return {
    kind: 'list',
    base: Float64Array.from(order, (j) => base[j] as number),
    local: Int32Array.from(order, (j) => local[j] as number),
  };
}

const segStart = (s: Segment): number => (s.kind === 'range' ? s.baseStart : (s.base[0] as number));
const segEnd = (s: Segment): number =>
  s.kind === 'range' ? s.baseStart + s.length : (s.base[s.base.length - 1] as number) + 1;

/** Segments by start (a param map's entries can list parameters' positions in any order). */
function orderSegments(segments: Segment[]): Segment[] {
  return segments.sort((a, b) => segStart(a) - segStart(b));
}

/** First position in sorted `a` with a[pos] ≥ x. */
function lowerBound(a: Float64Array, x: number, from = 0): number {
  let lo = from;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `run(localA, localB, length)` for every stretch of base coordinates both views hold:
 * `length` consecutive coordinates starting at those local indices. Each coordinate once.
 */
export function forEachShared(
  a: SelectionView,
  b: SelectionView,
  run: (localA: number, localB: number, length: number) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < a.segments.length && j < b.segments.length) {
    const sa = a.segments[i] as Segment;
    const sb = b.segments[j] as Segment;
    const lo = Math.max(segStart(sa), segStart(sb));
    const hi = Math.min(segEnd(sa), segEnd(sb));
    if (lo < hi) joinSegments(sa, sb, lo, hi, run);
    if (segEnd(sa) <= segEnd(sb)) i++;
    else j++;
  }
}

function joinSegments(
  sa: Segment,
  sb: Segment,
  lo: number,
  hi: number,
  run: (localA: number, localB: number, length: number) => void,
): void {
  if (sa.kind === 'range' && sb.kind === 'range') {
    run(sa.localStart + (lo - sa.baseStart), sb.localStart + (lo - sb.baseStart), hi - lo);
  } else if (sa.kind === 'range' && sb.kind === 'list') {
    for (let p = lowerBound(sb.base, lo); p < sb.base.length && (sb.base[p] as number) < hi; p++)
      run(sa.localStart + ((sb.base[p] as number) - sa.baseStart), sb.local[p] as number, 1);
  } else if (sa.kind === 'list' && sb.kind === 'range') {
    for (let p = lowerBound(sa.base, lo); p < sa.base.length && (sa.base[p] as number) < hi; p++)
      run(sa.local[p] as number, sb.localStart + ((sa.base[p] as number) - sb.baseStart), 1);
  } else if (sa.kind === 'list' && sb.kind === 'list') {
    let p = lowerBound(sa.base, lo);
    let q = lowerBound(sb.base, lo);
    while (p < sa.base.length && q < sb.base.length) {
      const x = sa.base[p] as number;
      const y = sb.base[q] as number;
      if (x >= hi || y >= hi) break;
      if (x === y) {
        run(sa.local[p] as number, sb.local[q] as number, 1);
        p++;
        q++;
      } else if (x < y) p++;
      else q++;
    }
  }
}

/** Calls `visit(base, local)` for every coordinate of the view in ascending base order. */
export function forEachCoordinate(view: SelectionView, visit: (base: number, local: number) => void): void {
  for (const s of view.segments) {
    if (s.kind === 'range') for (let k = 0; k < s.length; k++) visit(s.baseStart + k, s.localStart + k);
    else for (let k = 0; k < s.base.length; k++) visit(s.base[k] as number, s.local[k] as number);
  }
}
