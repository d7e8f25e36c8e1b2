import { readTopk, topkToQuery, topkUpperBound, type TopkRequest } from '@gradiend/core/topk-input';

export type { TopkRequest };

/** A typed k as the API reads it (the core's one reader), with its query-string spelling. */
export type TopkParse = { ok: true; spec: TopkRequest; query: string } | { ok: false; error: string };

/** Reads what a person types: "500" (count), "0.01" (fraction), "1%" or "100%" (percentage). */
export function parseTopk(text: string): TopkParse {
  const reading = readTopk(text, 'k');
  return reading.ok ? { ok: true, spec: reading.spec, query: topkToQuery(reading.spec) } : reading;
}

/** How many dims a top-k keeps out of `inputDim` (counts clamp, fractions round up, like the core). */
export function approxKept(spec: TopkRequest, inputDim: number): number {
  return topkUpperBound(spec, inputDim);
}
