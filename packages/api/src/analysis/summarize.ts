import type { GradiendModel } from '@gradiend/core';
import type { CheckpointInspection } from '@gradiend/core/node';
import type { CheckpointSummary } from '../storage/metadata-store.js';

type JsonRecord = Record<string, unknown>;

function asRecord(value: unknown): JsonRecord | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : null;
}

/** training.json can hold long loss curves; keep scalars and short lists, summarise long lists. */
function trainingSummary(training: unknown): JsonRecord | null {
  const record = asRecord(training);
  if (!record) return null;
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(record)) {
    if (Array.isArray(value) && value.length > 32) {
      out[key] = { length: value.length, last: value[value.length - 1] ?? null };
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The metadata a version stores about its checkpoint, in the API's snake_case. */
export function summarizeCheckpoint(
  model: GradiendModel,
  extras: { training: unknown; gradiendContext: unknown },
): CheckpointSummary {
  const a = model.architecture;
  const metadata: JsonRecord = { ...model.metadata };
  delete metadata.training;
  const baseModel = metadata.base_model;
  return {
    architecture: {
      input_dim: a.inputDim,
      latent_dim: a.latentDim,
      activation_encoder: a.activationEncoder,
      activation_decoder: a.activationDecoder,
      bias_decoder: a.biasDecoder,
      dtype: a.dtype,
    },
    input_dim: model.inputDim,
    latent_dim: model.latentDim,
    dtype: a.dtype,
    unpruned_length: model.unprunedLength(),
    param_map_hash: model.paramMapHash(),
    param_map: model.paramMap.entries.map((e) => ({
      name: e.name,
      shape: [...e.shape],
      numel: e.numel,
      repr: e.repr,
      num_selected: e.numSelected,
    })),
    base_model: typeof baseModel === 'string' ? baseModel : null,
    gradient_context: asRecord(extras.gradiendContext),
    training: trainingSummary(extras.training),
    metadata,
  };
}

/**
 * The same summary from the core's header-only inspection (config, mapping and safetensors header;
 * the weights are never read), for checkpoints too big to load just to describe them.
 */
export function summarizeInspection(
  inspection: CheckpointInspection,
  extras: { training: unknown; gradiendContext: unknown },
): CheckpointSummary {
  const a = inspection.architecture;
  const metadata: JsonRecord = { ...asRecord(inspection.metadata) };
  delete metadata.training;
  const baseModel = metadata.base_model;
  return {
    architecture: {
      input_dim: a.inputDim,
      latent_dim: a.latentDim,
      activation_encoder: a.activationEncoder,
      activation_decoder: a.activationDecoder,
      bias_decoder: a.biasDecoder,
      dtype: a.dtype,
    },
    input_dim: a.inputDim,
    latent_dim: a.latentDim,
    dtype: a.dtype,
    unpruned_length: inspection.unprunedLength,
    param_map_hash: inspection.paramMapHash,
    param_map: inspection.params.map((p) => ({
      name: p.name,
      shape: [...p.shape],
      numel: p.numel,
      repr: p.repr,
      num_selected: p.selected,
    })),
    base_model: typeof baseModel === 'string' ? baseModel : null,
    gradient_context: asRecord(extras.gradiendContext),
    training: trainingSummary(extras.training),
    metadata,
  };
}
