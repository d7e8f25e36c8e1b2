import { GradientExtractionError } from '../errors.js';
import type { ParamMap } from '../mapping/param-map.js';
import { flattenGradientDict } from '../model/gradient-dict.js';
import type { FloatArray } from '../model/types.js';
import type { BaseModel, NamedParameter } from './base-model.js';

/** A gradient shaped like its parameter (flattened row-major). */
export interface ParameterGradient {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export interface ExtractGradientsOptions {
  /** true: per-parameter gradients; false (default): the flat GRADIEND input vector. */
  readonly returnDict?: boolean;
}

/** Wrappers such as DDP prefix parameter names with `module.`; the reference looks names up both ways. */
function normaliseName(name: string): string {
  return name.startsWith('module.') ? name.slice('module.'.length) : name;
}

function lookupParameters(model: BaseModel<unknown>): Map<string, NamedParameter> {
  const byName = new Map<string, NamedParameter>();
  for (const p of model.namedParameters()) {
    byName.set(p.name, p);
    if (!byName.has(normaliseName(p.name))) byName.set(normaliseName(p.name), p);
  }
  return byName;
}

/**
 * The reference's `extract_gradients`: copies of the gradients a base model holds after `backward`,
 * either as a map from every mapped parameter to its full parameter-shaped gradient (parameters
 * with nothing selected get zeros), or as one vector of the selected entries in param-map order.
 * A mapped parameter the model lacks, or one without a gradient, is an error naming it.
 */
export function extractGradients(
  model: BaseModel<unknown>,
  paramMap: ParamMap,
  options: ExtractGradientsOptions & { readonly returnDict: true },
): Map<string, ParameterGradient>;
export function extractGradients(
  model: BaseModel<unknown>,
  paramMap: ParamMap,
  options?: ExtractGradientsOptions & { readonly returnDict?: false },
): FloatArray;
export function extractGradients(
  model: BaseModel<unknown>,
  paramMap: ParamMap,
  options: ExtractGradientsOptions = {},
): FloatArray | Map<string, ParameterGradient> {
  const params = lookupParameters(model);
  const active = paramMap.entries.filter((e) => e.numSelected > 0);
  const resolve = (name: string): NamedParameter | undefined =>
    params.get(name) ?? params.get(normaliseName(name)) ?? params.get(`module.${name}`);

  const unknown = active.filter((e) => !resolve(e.name)).map((e) => e.name);
  if (unknown.length) {
    const known = [...params.keys()].slice(0, 10).join(', ');
    throw new GradientExtractionError(
      `parameter(s) ${unknown.map((n) => `'${n}'`).join(', ')} not found in the base model (it has ${known}${params.size > 10 ? ', …' : ''})`,
      'missing-parameter',
      unknown,
    );
  }
  const missing = active.filter((e) => resolve(e.name)?.grad == null).map((e) => e.name);
  if (missing.length) {
    throw new GradientExtractionError(
      `gradients are missing for parameter(s) ${missing.map((n) => `'${n}'`).join(', ')}: run backward first`,
      'missing-gradient',
      missing,
    );
  }
  const grads = new Map<string, ParameterGradient>();
  for (const e of active) {
    const p = resolve(e.name) as NamedParameter;
    const grad = p.grad as FloatArray;
    if (
      grad.length !== e.numel ||
      p.shape.some((d, i) => d !== e.shape[i]) ||
      p.shape.length !== e.shape.length
    ) {
      throw new GradientExtractionError(
        `parameter '${e.name}' has shape [${p.shape.join(', ')}] in the model but [${e.shape.join(', ')}] in the param map`,
        'shape',
        [e.name],
      );
    }
    grads.set(e.name, { shape: e.shape, data: grad });
  }

  const float64 = [...grads.values()].some((g) => g.data instanceof Float64Array);
  if (options.returnDict) {
    const out = new Map<string, ParameterGradient>();
    for (const e of paramMap.entries) {
      const g = grads.get(e.name);
      const data = g ? g.data.slice() : float64 ? new Float64Array(e.numel) : new Float32Array(e.numel);
      out.set(e.name, { shape: e.shape, data });
    }
    return out;
  }
  const flat = float64 ? new Float64Array(paramMap.selectedTotal) : new Float32Array(paramMap.selectedTotal);
  return flattenGradientDict(paramMap, grads, flat);
}
