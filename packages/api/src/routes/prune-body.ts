import { JsonNumber, JsonObject, JsonSyntaxError, parseJson, toPlain } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';

/**
 * Parses a prune body keeping number literals, so `topk` follows the reference's
 * `prune(topk=…)`: an integer literal (`1`, `1000`) is a count, a float literal (`1.0`, `0.5`,
 * `1e0`) a fraction in (0, 1] — `1.0` keeps everything, as a Python client means it. A float
 * topk becomes `{"fraction": x}`; everything else is handed on as plain JSON.
 */
export function parsePruneBody(text: string): unknown {
  let value;
  try {
    value = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `body is not valid JSON: ${error.message}`);
    }
    throw error;
  }
  if (!(value instanceof JsonObject)) return toPlain(value);
  const topk = value.get('topk');
  if (topk instanceof JsonNumber && !topk.isInteger) {
    const fraction = topk.value;
    if (!(fraction > 0 && fraction <= 1)) {
      throw new ApiError(
        'GRADIEND_ERR_REQUEST_VALIDATION',
        `topk ${topk.text} is a float, and a float topk is a fraction in (0, 1]; send an integer (e.g. ${Math.round(fraction)}) for a count`,
      );
    }
    value.set('topk', new JsonObject([['fraction', new JsonNumber(String(fraction))]]));
  }
  return toPlain(value);
}
