/**
 * The one reader of a top-k as people and clients write it, shared by the API (JSON bodies and
 * query strings) and the dashboard (a text field). Browser-safe: no Node built-ins.
 *
 * JSON cannot tell 1 from 1.0, so a bare number follows one rule: an integer is a count, any other
 * number must be a fraction in (0, 1). "All of them" is therefore spelled "100%" or
 * {"fraction": 1}; {"count": n} says "count" explicitly.
 */
export type TopkRequest = { readonly count: number } | { readonly fraction: number };

export type TopkReading =
  { readonly ok: true; readonly spec: TopkRequest } | { readonly ok: false; readonly error: string };

/** What every accepted form looks like, for hints next to a field. */
export const TOPK_FORMS_HINT =
  'a count like 500, a fraction like 0.01, or a percentage like 1% ("100%" keeps everything)';

const PERCENT = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*%$/;
const NUMBER = /^([0-9]+\.?[0-9]*|\.[0-9]+)(e[-+]?[0-9]+)?$/i;

function fail(error: string): TopkReading {
  return { ok: false, error };
}

function fromNumber(value: number, field: string): TopkReading {
  if (!Number.isFinite(value) || value <= 0) return fail(`${field} must be above 0: ${TOPK_FORMS_HINT}`);
  if (Number.isInteger(value)) return { ok: true, spec: { count: value } };
  if (value < 1) return { ok: true, spec: { fraction: value } };
  return fail(
    `${field} ${value} is neither an integer count nor a fraction in (0, 1); ` +
      'to keep a share write "N%" (e.g. "100%" keeps everything)',
  );
}

function fromPercent(text: string, field: string): TopkReading {
  const percent = Number(text.slice(0, -1).trim());
  if (!(percent > 0 && percent <= 100)) {
    return fail(`${field} ${JSON.stringify(text)} must be a percentage in (0%, 100%]`);
  }
  return { ok: true, spec: { fraction: percent / 100 } };
}

/**
 * Reads any accepted form: a number, a numeric string ("500", "0.01", "1e3" — query strings and
 * text fields), a percentage string ("1%", "100%"), {fraction: x} with x in (0, 1] or
 * {count: n} with n a whole number ≥ 1. `field` names the value in the error.
 */
export function readTopk(value: unknown, field = 'topk'): TopkReading {
  if (typeof value === 'number') return fromNumber(value, field);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return fail(`enter ${TOPK_FORMS_HINT}`);
    if (PERCENT.test(text)) return fromPercent(text, field);
    if (text.endsWith('%'))
      return fail(`${field} ${JSON.stringify(text)} must be a percentage in (0%, 100%]`);
    if (NUMBER.test(text)) return fromNumber(Number(text), field);
    return fail(`${field} ${JSON.stringify(text)} is not ${TOPK_FORMS_HINT}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.count === 'number') {
      return Number.isInteger(o.count) && o.count >= 1
        ? { ok: true, spec: { count: o.count } }
        : fail(`${field}.count must be a whole number of at least 1`);
    }
    if (keys.length === 1 && typeof o.fraction === 'number') {
      return o.fraction > 0 && o.fraction <= 1
        ? { ok: true, spec: { fraction: o.fraction } }
        : fail(`${field}.fraction must be in (0, 1]`);
    }
  }
  return fail(`${field} must be ${TOPK_FORMS_HINT}, {"count": n} or {"fraction": x}`);
}

/** How many rows a request selects out of `inputDim` (the core rounds fractions up, clamps counts). */
export function topkUpperBound(spec: TopkRequest, inputDim: number): number {
  return 'count' in spec ? Math.min(spec.count, inputDim) : Math.ceil(spec.fraction * inputDim);
}

/** The request as a query-string value the reader reads back exactly: a fraction of 1 is "100%". */
export function topkToQuery(spec: TopkRequest): string {
  if ('count' in spec) return String(spec.count);
  return spec.fraction === 1 ? '100%' : String(spec.fraction);
}
