import { Type, type Static } from '@sinclair/typebox';
import { readTopk, type TopkRequest } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';

/**
 * JSON cannot tell 1 from 1.0, so a bare number follows one rule: an integer is a count, any other
 * number must be a fraction in (0, 1). "All of them" is therefore spelled "100%" or
 * {"fraction": 1}; {"count": n} says "count" explicitly.
 */
export type TopkSpec = TopkRequest;

const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$';

const TopkNumber = Type.Number({
  exclusiveMinimum: 0,
  description: 'An integer is a count; a non-integer must be a fraction in (0, 1)',
});
const TopkPercent = Type.String({
  pattern: PERCENT_PATTERN,
  description: 'A percentage of input_dim in (0, 100], e.g. "1%"; "100%" keeps everything',
});

const TOPK_DESCRIPTION =
  'Top-k as an integer count, a fraction in (0, 1), a percentage string like "1%" ("100%" = all), ' +
  '{"fraction": x} with x in (0, 1], or {"count": n}';

/** `topk` in JSON bodies. */
export const TopkBody = Type.Union(
  [
    TopkNumber,
    TopkPercent,
    Type.Object(
      { fraction: Type.Number({ exclusiveMinimum: 0, maximum: 1 }) },
      { additionalProperties: false },
    ),
    Type.Object({ count: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  ],
  { description: TOPK_DESCRIPTION },
);

/** `k` in query strings: a number or a percentage ("1.0" is the integer 1 here too, as in JSON). */
export const TopkQuery = (defaultValue: number | string) =>
  Type.Union([TopkNumber, TopkPercent], {
    default: defaultValue,
    description: 'Top-k as an integer count, a fraction in (0, 1), or a percentage like "1%" ("100%" = all)',
  });

export type TopkInput = Static<typeof TopkBody>;

/** Maps any accepted top-k form to the core's unambiguous {count} | {fraction} (the core's one reader). */
export function toTopkSpec(value: TopkInput, field = 'topk'): TopkSpec {
  const reading = readTopk(value, field);
  if (!reading.ok) throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', reading.error);
  return reading.spec;
}
