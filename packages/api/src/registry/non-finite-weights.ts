import type { NonFiniteTensor } from '@gradiend/core/node';
import { ApiError } from '../errors/api-error.js';

/**
 * Refuses a checkpoint whose weights hold NaN or ±Inf. The reference loads such a file (a diverged
 * training run writes one) but nothing the registry derives from it — importance, top-k, heatmaps,
 * prune selections, encodings — has a meaning, and JSON cannot carry the values; so the upload is
 * the one place it is turned down, naming every tensor and how many of its values are not finite.
 * `file` is the weights file relative to the checkpoint folder.
 */
export function assertFiniteWeights(file: string, found: readonly NonFiniteTensor[]): void {
  if (found.length === 0) return;
  const list = found.map((t) => `${t.tensor} (${t.count} ${t.count === 1 ? 'value' : 'values'})`);
  throw new ApiError(
    'GRADIEND_ERR_CHECKPOINT_NOT_FINITE',
    `${file}: weights hold NaN or infinite values: ${list.join(', ')}`,
    { file, tensor: found[0]?.tensor, non_finite: found.map(({ tensor, count }) => ({ tensor, count })) },
  );
}
