/**
 * An exact emulation of PyTorch's CPU `topk(largest=True)` (ATen's topk_impl_loop) on top of
 * libstdc++'s `std::nth_element` / `std::partial_sort`. Only the choice among *tied* values depends
 * on these algorithms' internals; reproducing them lets pruning with ties (e.g. an all-zero decoder
 * bias) keep exactly the dimensions the reference keeps. Cost: O(n) memory for (value, index) pairs.
 *
 * ATen fills a queue of (value, index) pairs in index order, then
 *   k·64 ≤ n → partial_sort(begin, begin + k, end, greater)
 *   else     → nth_element(begin, begin + k − 1, end, greater) (+ sort of the first k − 1 if sorted)
 * where greater(x, y) = (isnan(x) && !isnan(y)) || x > y.
 */
class PairQueue {
  constructor(
    readonly vals: Float64Array,
    readonly idx: Int32Array,
  ) {}

  /** The comparator: element at a ranks strictly before element at b. */
  before(a: number, b: number): boolean {
    return greater(this.vals[a] as number, this.vals[b] as number);
  }

  swap(a: number, b: number): void {
    const v = this.vals[a] as number;
    this.vals[a] = this.vals[b] as number;
    this.vals[b] = v;
    const i = this.idx[a] as number;
    this.idx[a] = this.idx[b] as number;
    this.idx[b] = i;
  }

  move(to: number, from: number): void {
    this.vals[to] = this.vals[from] as number;
    this.idx[to] = this.idx[from] as number;
  }
}

function greater(x: number, y: number): boolean {
  return (Number.isNaN(x) && !Number.isNaN(y)) || x > y;
}

function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

// --- heap primitives (libstdc++ bits/stl_heap.h) ---

function pushHeap(q: PairQueue, first: number, hole: number, top: number, val: number, ix: number): void {
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && greater(q.vals[first + parent] as number, val)) {
    q.move(first + hole, first + parent);
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  q.vals[first + hole] = val;
  q.idx[first + hole] = ix;
}

function adjustHeap(q: PairQueue, first: number, hole: number, len: number, val: number, ix: number): void {
  const top = hole;
  let child = hole;
  while (child < Math.floor((len - 1) / 2)) {
    child = 2 * (child + 1);
    if (q.before(first + child, first + child - 1)) child--;
    q.move(first + hole, first + child);
    hole = child;
  }
  if ((len & 1) === 0 && child === Math.floor((len - 2) / 2)) {
    child = 2 * (child + 1);
    q.move(first + hole, first + child - 1);
    hole = child - 1;
  }
  pushHeap(q, first, hole, top, val, ix);
}

function makeHeap(q: PairQueue, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  let parent = Math.floor((len - 2) / 2);
  for (;;) {
    adjustHeap(q, first, parent, len, q.vals[first + parent] as number, q.idx[first + parent] as number);
    if (parent === 0) return;
    parent--;
  }
}

function popHeap(q: PairQueue, first: number, last: number, result: number): void {
  const val = q.vals[result] as number;
  const ix = q.idx[result] as number;
  q.move(result, first);
  adjustHeap(q, first, 0, last - first, val, ix);
}

function heapSelect(q: PairQueue, first: number, middle: number, last: number): void {
  makeHeap(q, first, middle);
  for (let i = middle; i < last; i++) if (q.before(i, first)) popHeap(q, first, middle, i);
}

function sortHeap(q: PairQueue, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    popHeap(q, first, last, last);
  }
}

// --- introselect (libstdc++ bits/stl_algo.h) ---

function moveMedianToFirst(q: PairQueue, result: number, a: number, b: number, c: number): void {
  if (q.before(a, b)) {
    if (q.before(b, c)) q.swap(result, b);
    else if (q.before(a, c)) q.swap(result, c);
    else q.swap(result, a);
  } else if (q.before(a, c)) q.swap(result, a);
  else if (q.before(b, c)) q.swap(result, c);
  else q.swap(result, b);
}

function unguardedPartition(q: PairQueue, first: number, last: number, pivot: number): number {
  for (;;) {
    while (q.before(first, pivot)) first++;
    last--;
    while (q.before(pivot, last)) last--;
    if (!(first < last)) return first;
    q.swap(first, last);
    first++;
  }
}

function unguardedPartitionPivot(q: PairQueue, first: number, last: number): number {
  const mid = first + Math.floor((last - first) / 2);
  moveMedianToFirst(q, first, first + 1, mid, last - 1);
  return unguardedPartition(q, first + 1, last, first);
}

function insertionSort(q: PairQueue, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    const val = q.vals[i] as number;
    const ix = q.idx[i] as number;
    if (greater(val, q.vals[first] as number)) {
      for (let j = i; j > first; j--) q.move(j, j - 1);
      q.vals[first] = val;
      q.idx[first] = ix;
    } else {
      let hole = i;
      while (greater(val, q.vals[hole - 1] as number)) {
        q.move(hole, hole - 1);
        hole--;
      }
      q.vals[hole] = val;
      q.idx[hole] = ix;
    }
  }
}

function nthElement(q: PairQueue, first: number, nth: number, last: number): void {
  if (first === last || nth === last) return;
  let depthLimit = floorLog2(last - first) * 2;
  while (last - first > 3) {
    if (depthLimit === 0) {
      heapSelect(q, first, nth + 1, last);
      q.swap(first, nth);
      return;
    }
    depthLimit--;
    const cut = unguardedPartitionPivot(q, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(q, first, last);
}

/**
 * Indices of the k largest values exactly as torch.topk(values, k, largest=True, sorted) returns
 * them on CPU. With `sorted`, ties may come out in any order relative to the reference (only the
 * set is guaranteed to match), because we sort the selection with a stable sort.
 */
export function torchTopkEmulation(values: ArrayLike<number>, k: number, sorted: boolean): Int32Array {
  const n = values.length;
  if (k <= 0) return new Int32Array(0);
  const q = new PairQueue(Float64Array.from(values), new Int32Array(n));
  for (let i = 0; i < n; i++) q.idx[i] = i;
  if (k * 64 <= n) {
    heapSelect(q, 0, k, n);
    sortHeap(q, 0, k);
  } else {
    nthElement(q, 0, k - 1, n);
  }
  const out = q.idx.slice(0, k);
  if (sorted) sortIndicesByValueDesc(out, values);
  return out;
}

/** Stable sort of indices by descending value (NaN first, as torch ranks it). */
export function sortIndicesByValueDesc(indices: Int32Array, values: ArrayLike<number>): void {
  const order = Array.from(indices);
  order.sort((a, b) => {
    const x = values[a] as number;
    const y = values[b] as number;
    if (greater(x, y)) return -1;
    if (greater(y, x)) return 1;
    return 0;
  });
  indices.set(order);
}
