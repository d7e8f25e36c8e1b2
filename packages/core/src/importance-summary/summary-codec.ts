import { FINE_BITS, FINE_BUCKETS, SEGMENT_BITS, type ImportanceSummary } from './summary-types.js';

/** Bumped whenever the encoding or the bucket layout changes: old cached summaries then mismatch. */
export const SUMMARY_FORMAT = `gradiend-importance-summary/1 fine=${FINE_BITS} segment=${SEGMENT_BITS}`;

interface EncodedSegment {
  offset: number;
  length: number;
  sum: number;
  min: number | null;
  max: number | null;
  zeros: number;
  nan: number;
  posInf: number;
  negInf: number;
  from: number;
  counts: number[];
}

interface Encoded {
  format: string;
  length: number;
  zeros: number;
  nan: number;
  posInf: number;
  negInf: number;
  sum: number;
  min: number | null;
  max: number | null;
  /** Non-empty fine buckets as bucket, count, bucket, count, … */
  counts: number[];
  segments: EncodedSegment[];
}

/** Compact JSON: fine counts sparse (a BERT-sized vector fills a few thousand of 65,536 buckets). */
export function encodeSummary(summary: ImportanceSummary): string {
  const counts: number[] = [];
  summary.counts.forEach((c, b) => {
    if (c > 0) counts.push(b, c);
  });
  const encoded: Encoded = {
    format: SUMMARY_FORMAT,
    length: summary.length,
    zeros: summary.zeros,
    nan: summary.nan,
    posInf: summary.posInf,
    negInf: summary.negInf,
    sum: summary.sum,
    min: summary.min,
    max: summary.max,
    counts,
    segments: summary.segments.map((s) => ({
      offset: s.offset,
      length: s.length,
      sum: s.sum,
      min: s.min,
      max: s.max,
      zeros: s.zeros,
      nan: s.nan,
      posInf: s.posInf,
      negInf: s.negInf,
      from: s.bucketsFrom,
      counts: Array.from(s.counts),
    })),
  };
  return JSON.stringify(encoded);
}

/** The summary `encodeSummary` wrote; throws a TypeError for another format (stale cache entries). */
export function decodeSummary(text: string): ImportanceSummary {
  const e = JSON.parse(text) as Encoded;
  if (e?.format !== SUMMARY_FORMAT) throw new TypeError(`not a ${SUMMARY_FORMAT} summary`);
  const counts = new Uint32Array(FINE_BUCKETS);
  for (let i = 0; i + 1 < e.counts.length; i += 2) counts[e.counts[i] as number] = e.counts[i + 1] as number;
  return {
    length: e.length,
    counts,
    zeros: e.zeros,
    nan: e.nan,
    posInf: e.posInf,
    negInf: e.negInf,
    sum: e.sum,
    min: e.min,
    max: e.max,
    segments: e.segments.map((s) => ({
      offset: s.offset,
      length: s.length,
      sum: s.sum,
      min: s.min,
      max: s.max,
      zeros: s.zeros,
      nan: s.nan,
      posInf: s.posInf,
      negInf: s.negInf,
      bucketsFrom: s.from,
      counts: Uint32Array.from(s.counts),
    })),
  };
}
