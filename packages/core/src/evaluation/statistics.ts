// Small descriptive statistics with pandas' conventions (the reference computes its scorecard with
// pandas): std with ddof 1, quantiles interpolated linearly, value counts by count then first
// appearance, Python's str() for the keys it writes into JSON.

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (ddof 1); NaN below 2 values, as pandas gives it. */
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (n - 1));
}

/** numpy's default ("linear") quantile of unsorted values. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const t = pos - lo;
  // numpy's _lerp: the form that is exact at t = 1 for t ≥ 0.5.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Distinct values with their counts, most frequent first, ties in order of first appearance (pandas value_counts). */
export function valueCounts<T>(values: readonly T[]): [T, number][] {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  // Array.prototype.sort is stable, so equal counts keep first-appearance order.
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** Items grouped by key, groups in ascending key order (pandas groupby's default sort). */
export function groupSorted<T, K extends string | number>(
  items: readonly T[],
  key: (item: T) => K,
): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Python's repr() of a str (the quotes it picks; escapes for quotes and backslashes). */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${body}${quote}`;
}

/** Python's repr() of a list of str. */
export function pythonListRepr(items: readonly string[]): string {
  return `[${items.map(pythonStrRepr).join(', ')}]`;
}
