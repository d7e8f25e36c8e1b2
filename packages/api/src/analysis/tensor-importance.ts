import path from 'node:path';
import { WEIGHT_NAMES, type ImportancePart } from '@gradiend/core';
import { SafetensorsFile, type CheckpointHeaders } from '@gradiend/core/node';

/** The tensors each part's importance derives from (decoder-sum adds the bias when there is one). */
const SOURCES: Record<ImportancePart, readonly string[]> = {
  'decoder-weight': [WEIGHT_NAMES.decoderWeight],
  'encoder-weight': [WEIGHT_NAMES.encoderWeight],
  'decoder-bias': [WEIGHT_NAMES.decoderBias],
  'decoder-sum': [WEIGHT_NAMES.decoderWeight, WEIGHT_NAMES.decoderBias],
};

/**
 * A part's importance read from the tensors it derives from, straight into shared memory, for the
 * common BERT-scale case: a valid float32 safetensors checkpoint with latent dim 1. Then the
 * importance is |w| per input dim (decoder-sum: |w + b| rounded to float32, as the core computes
 * it in float32), so neither the other weights nor a second copy of the vector are read or held.
 * Returns null for every other checkpoint (the caller loads the model).
 */
export async function readTensorImportance(
  headers: CheckpointHeaders,
  part: ImportancePart,
): Promise<Float32Array | null> {
  const { architecture: a, location, weights, problems } = headers;
  if (problems.length > 0 || weights === null || a.latentDim !== 1 || a.dtype !== 'float32') return null;
  if (!location.weightsFile.endsWith('.safetensors')) return null;
  const n = a.inputDim;
  const present = SOURCES[part].filter((name) => weights.some((w) => w.name === name));
  for (const name of present) {
    const w = weights.find((x) => x.name === name);
    if (w?.dtype !== 'F32' || w.bytes !== 4 * n) return null;
  }
  const out = new Float32Array(new SharedArrayBuffer(4 * n));
  // No decoder bias: decoder-bias is all zeros and decoder-sum the weights alone.
  if (present.length === 0) return part === 'decoder-bias' ? out : null;
  const file = await SafetensorsFile.open(path.join(location.weightsDirectory, location.weightsFile));
  try {
    await file.readTensor(present[0]!, { into: out });
    if (present.length === 2) {
      // 16 MiB of bias at a time, added in float32 like the core's decoder sum.
      const step = 1 << 22;
      for (let start = 0; start < n; start += step) {
        const count = Math.min(step, n - start);
        const bias = (await file.readRange(present[1]!, start, count)) as Float32Array;
        for (let i = 0; i < count; i++) out[start + i] = out[start + i]! + bias[i]!;
      }
    }
  } finally {
    await file.close();
  }
  for (let i = 0; i < n; i++) out[i] = Math.abs(out[i]!);
  return out;
}
