import {
  planCheckpoint,
  planSafetensorsLayout,
  type GradiendModel,
  type SaveOptions,
  type Tensor,
} from '@gradiend/core';

function safetensorsBytes(tensors: ReadonlyArray<readonly [string, Tensor]> | null): number {
  if (!tensors) return 0;
  return planSafetensorsLayout(tensors.map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })))
    .totalBytes;
}

/**
 * Exact bytes `saveCheckpoint(dir, model, options)` would write (weights, mapping files, JSON
 * files, config.json), planned without writing or serialising any tensor data.
 */
export function plannedCheckpointBytes(model: GradiendModel, options: SaveOptions): number {
  const plan = planCheckpoint(model, options);
  let bytes = safetensorsBytes(plan.weights);
  bytes += safetensorsBytes(plan.mappingIndices) + safetensorsBytes(plan.mappingMasks);
  for (const [, text] of plan.jsonFiles) bytes += Buffer.byteLength(text, 'utf8');
  return bytes + Buffer.byteLength(plan.config, 'utf8');
}
