import { RewriteError } from '../errors.js';
import type { SafetensorsTensorInfo } from '../safetensors/types.js';
import { writeSafetensorsFile } from '../safetensors/file-writer.js';
import type { Tensor } from '../tensor/tensor.js';
import { numelOf } from '../tensor/tensor.js';
import { openBaseModelFiles } from './base-model-files.js';
import { openGradiendWeightSource } from './gradiend-weight-source.js';
import type { GradiendWeightSource } from './gradiend-weight-source.js';
import { prepareRewrite, scaledDelta } from './rewrite-base-model.js';
import type { RewriteOptions } from './rewrite-base-model.js';
import type { RewritePart } from './rewrite-part.js';

/** Tensor-name suffixes of a patch: `<param>:indices` (I64 flat positions) and `<param>:values`. */
export const PATCH_INDICES_SUFFIX = ':indices';
export const PATCH_VALUES_SUFFIX = ':values';
export const PATCH_FORMAT = 'gradiend-sparse-patch';
export const PATCH_FORMAT_VERSION = '1';

export interface PatchSummary {
  readonly part: RewritePart;
  readonly learningRate: number;
  readonly featureFactor: readonly number[];
  readonly params: number;
  readonly values: number;
}

/** Flat positions as little-endian int64 without boxing each one as a BigInt. */
function int64Positions(positions: ArrayLike<number> | null, count: number): BigInt64Array {
  const out = new BigInt64Array(count);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) {
    const p = positions === null ? i : (positions[i] as number);
    words[2 * i] = p % 2 ** 32;
    words[2 * i + 1] = Math.floor(p / 2 ** 32);
  }
  return out;
}

/** Param-map entries as if they were base tensors (a patch made without a base model). */
function tensorsOfParamMap(source: GradiendWeightSource): Map<string, SafetensorsTensorInfo> {
  const out = new Map<string, SafetensorsTensorInfo>();
  for (const e of source.paramMap.entries) {
    const numel = numelOf(e.shape);
    out.set(e.name, {
      name: e.name,
      dtype: 'F32',
      shape: [...e.shape],
      begin: 0,
      end: 0,
      numel,
      byteLength: 0,
    });
  }
  return out;
}

/**
 * Writes Δθ = lr · u at the mapped positions only, one safetensors file any framework can apply:
 * per parameter `<name>:indices` (int64 flat positions, row-major) and `<name>:values` (the delta in
 * the GRADIEND's compute dtype), to be added in the parameter's dtype (see README). With `base`,
 * parameter names are resolved against the base model like a rewrite; without, the param map's
 * names and shapes are used.
 */
export async function writeSparsePatch(
  gradiend: string | GradiendWeightSource,
  base: string | null,
  out: string,
  options: RewriteOptions,
): Promise<PatchSummary> {
  const source = typeof gradiend === 'string' ? await openGradiendWeightSource(gradiend) : gradiend;
  try {
    const files = base === null ? null : await openBaseModelFiles(base);
    const baseFiles = files ?? {
      kind: 'file' as const,
      root: '',
      shards: [],
      tensors: new Map([...tensorsOfParamMap(source)].map(([n, info]) => [n, { shard: 0, info }])),
      totalBytes: 0,
    };
    const prepared = prepareRewrite(source, baseFiles, options);
    const tensors = new Map<string, Tensor>();
    let values = 0;
    for (const [name, updates] of prepared.plan.byTensor) {
      if (updates.length !== 1) {
        throw new RewriteError(
          `parameters ${updates.map((u) => `'${u.param}'`).join(', ')} all resolve to '${name}'; a patch needs one per tensor`,
          null,
          name,
        );
      }
      const u = updates[0] as (typeof updates)[number];
      const delta = await scaledDelta(prepared, u);
      tensors.set(`${name}${PATCH_INDICES_SUFFIX}`, {
        dtype: 'I64',
        shape: [u.count],
        data: int64Positions(u.positions, u.count),
      });
      tensors.set(`${name}${PATCH_VALUES_SUFFIX}`, {
        dtype: delta instanceof Float64Array ? 'F64' : 'F32',
        shape: [u.count],
        data: delta,
      });
      values += u.count;
      options.onProgress?.({ bytesDone: values, bytesTotal: prepared.plan.used, tensor: name });
    }
    await writeSafetensorsFile(out, tensors, {
      format: PATCH_FORMAT,
      format_version: PATCH_FORMAT_VERSION,
      part: prepared.part,
      learning_rate: String(prepared.learningRate),
      feature_factor: JSON.stringify(prepared.featureFactor),
    });
    return {
      part: prepared.part,
      learningRate: prepared.learningRate,
      featureFactor: prepared.featureFactor,
      params: prepared.plan.byTensor.size,
      values,
    };
  } finally {
    if (typeof gradiend === 'string') await source.close();
  }
}
