import type { ModelRecord, VersionRecord } from '../storage/metadata-store.js';
import type { Model, Version } from '../schemas/registry.js';

export function versionJson(v: VersionRecord): Version {
  const s = v.summary;
  return {
    name: v.model,
    version: v.version,
    aliases: [...v.aliases],
    description: v.description,
    tags: [...v.tags],
    input_dim: s.input_dim,
    latent_dim: s.latent_dim,
    unpruned_length: s.unpruned_length,
    param_map_hash: s.param_map_hash,
    dtype: s.dtype,
    architecture: { ...s.architecture },
    param_map: s.param_map.map((p) => ({ ...p, shape: [...p.shape] })),
    base_model: s.base_model,
    gradient_context: s.gradient_context ? { ...s.gradient_context } : null,
    training: s.training ? { ...s.training } : null,
    metadata: { ...s.metadata },
    files: v.files.map((f) => ({ ...f })),
    total_bytes: v.files.reduce((n, f) => n + f.size, 0),
    parent: v.parent ? { ...v.parent } : null,
    operation: v.operation,
    operation_args: v.operationArgs ? { ...v.operationArgs } : null,
    created_at: v.createdAt,
    created_by: v.createdBy,
  };
}

export function modelJson(m: ModelRecord): Model {
  return {
    name: m.name,
    description: m.description,
    tags: [...m.tags],
    aliases: { ...m.aliases },
    version_count: m.versionCount,
    latest_version: m.latestVersion,
    latest: m.latest
      ? {
          version: m.latest.version,
          input_dim: m.latest.inputDim,
          unpruned_length: m.latest.unprunedLength,
          latent_dim: m.latest.latentDim,
          dtype: m.latest.dtype,
          base_model: m.latest.baseModel,
        }
      : null,
    created_at: m.createdAt,
    created_by: m.createdBy,
    updated_at: m.updatedAt,
  };
}
