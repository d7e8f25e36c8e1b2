import { hasEncoderBias, type GradiendModel } from '@gradiend/core';
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

/** What both summaries are built from: a loaded model or a header-only inspection. */
interface SummarySource {
  readonly architecture: GradiendModel['architecture'];
  readonly unprunedLength: number;
  readonly paramMapHash: string;
  readonly params: CheckpointSummary['param_map'];
  readonly metadata: unknown;
}

function summarize(
  src: SummarySource,
  extras: { training: unknown; gradiendContext: unknown },
): CheckpointSummary {
  const a = src.architecture;
  const metadata: JsonRecord = { ...asRecord(src.metadata) };
  delete metadata.training;
  const baseModel = metadata.base_model;
  return {
    architecture: {
      input_dim: a.inputDim,
      latent_dim: a.latentDim,
      activation_encoder: a.activationEncoder,
      activation_decoder: a.activationDecoder,
      bias_encoder: hasEncoderBias(a),
      bias_decoder: a.biasDecoder,
      dtype: a.dtype,
    },
    input_dim: a.inputDim,
    latent_dim: a.latentDim,
    dtype: a.dtype,
    unpruned_length: src.unprunedLength,
    param_map_hash: src.paramMapHash,
    param_map: src.params,
    base_model: typeof baseModel === 'string' ? baseModel : null,
    gradient_context: asRecord(extras.gradiendContext),
    training: trainingSummary(extras.training),
    metadata,
  };
}

/** The metadata a version stores about its checkpoint, in the API's snake_case. */
export function summarizeCheckpoint(
  model: GradiendModel,
  extras: { training: unknown; gradiendContext: unknown },
): CheckpointSummary {
  return summarize(
    {
      architecture: model.architecture,
      unprunedLength: model.unprunedLength(),
      paramMapHash: model.paramMapHash(),
      params: model.paramMap.entries.map((e) => ({
        name: e.name,
        shape: [...e.shape],
        numel: e.numel,
        repr: e.repr,
        num_selected: e.numSelected,
      })),
      metadata: model.metadata,
    },
    extras,
  );
}

/**
 * The same summary from the core's header-only inspection (config, mapping and safetensors header;
 * the weights are never read), for checkpoints too big to load just to describe them.
 */
export function summarizeInspection(
  inspection: CheckpointInspection,
  extras: { training: unknown; gradiendContext: unknown },
): CheckpointSummary {
  return summarize(
    {
      architecture: inspection.architecture,
      unprunedLength: inspection.unprunedLength,
      paramMapHash: inspection.paramMapHash,
      params: inspection.params.map((p) => ({
        name: p.name,
        shape: [...p.shape],
        numel: p.numel,
        repr: p.repr,
        num_selected: p.selected,
      })),
      metadata: inspection.metadata,
    },
    extras,
  );
}
