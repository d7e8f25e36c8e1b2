import type { ParamMap, Tensor } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';

/** Gradients are floating point; integer or boolean tensors are refused rather than converted. */
const GRADIENT_DTYPES: ReadonlySet<string> = new Set(['F32', 'F64', 'F16', 'BF16']);
const DDP_PREFIX = 'module.';

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * The strict reading of a safetensors gradient dict at the HTTP boundary, before the core's
 * flattenGradientDict (which, like the reference, only compares element counts): every tensor
 * naming a mapped parameter, with or without the DDP `module.` prefix, has exactly that
 * parameter's shape and a floating-point dtype, and no parameter comes under both names. Tensors
 * of unmapped parameters are ignored, as the reference does.
 */
export function checkGradientDict(map: ParamMap, tensors: ReadonlyMap<string, Tensor>): void {
  for (const e of map.entries) {
    const plain = tensors.get(e.name);
    const prefixed = tensors.get(`${DDP_PREFIX}${e.name}`);
    if (plain && prefixed) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_SHAPE',
        `the body holds both '${e.name}' and '${DDP_PREFIX}${e.name}'; send one gradient per parameter`,
        { tensor: e.name },
      );
    }
    const t = plain ?? prefixed;
    if (!t) continue;
    const name = plain ? e.name : `${DDP_PREFIX}${e.name}`;
    if (!GRADIENT_DTYPES.has(t.dtype)) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_SHAPE',
        `gradient '${name}' has dtype ${t.dtype}; gradients must be F32, F64, F16 or BF16`,
        { tensor: name },
      );
    }
    if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      throw new ApiError(
        'GRADIEND_ERR_INPUT_SHAPE',
        `gradient '${name}' has shape ${shapeText(t.shape)}, expected the parameter's shape ${shapeText(e.shape)}`,
        { tensor: name },
      );
    }
  }
}
