/** A top-k as the server takes it: an integer count, or a fraction in (0, 1). */
export type TopkValue = { kind: 'count'; value: number } | { kind: 'fraction'; value: number };

export type TopkParse = { ok: true; topk: TopkValue } | { ok: false; error: string };

/**
 * Parses what a person types: "500" (count), "0.01" (fraction) or "1%" (percent → fraction).
 * A count above `inputDim` is refused because the server would refuse it too.
 */
export function parseTopk(text: string, inputDim?: number): TopkParse {
  const raw = text.trim();
  if (raw === '') return { ok: false, error: 'enter a count (500), a fraction (0.01) or a percentage (1%)' };
  const percent = raw.endsWith('%');
  const numeric = percent ? raw.slice(0, -1).trim() : raw;
  if (!/^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(numeric)) {
    return { ok: false, error: `"${raw}" is not a number, a fraction or a percentage` };
  }
  const value = Number(numeric);
  if (percent) {
    if (!(value > 0 && value < 100))
      return { ok: false, error: 'a percentage must be above 0 and below 100' };
    return { ok: true, topk: { kind: 'fraction', value: value / 100 } };
  }
  if (value > 0 && value < 1) return { ok: true, topk: { kind: 'fraction', value } };
  if (!Number.isInteger(value) || value < 1) {
    return { ok: false, error: 'a count must be a whole number of at least 1 (or give a fraction below 1)' };
  }
  if (inputDim !== undefined && value > inputDim) {
    return { ok: false, error: `a count can be at most the input dimension (${inputDim})` };
  }
  return { ok: true, topk: { kind: 'count', value } };
}

/** How many dims a top-k keeps, for display only (the server's rounding decides the real count). */
export function approxKept(topk: TopkValue, inputDim: number): number {
  return topk.kind === 'count' ? Math.min(topk.value, inputDim) : Math.round(topk.value * inputDim);
}
