// The unpruned BERT-base-shaped GRADIEND (generator and seed of `pnpm bench core`; ~1.3 GB, bert-base-uncased
// encoder parameters, 108,891,648 input dims), generated once into the temp dir (the benchmark saves its own).
import { ensureSyntheticCheckpoint } from '../../packages/core/bench/ensure-checkpoint.js';

export async function ensureBigModel(): Promise<string> {
  return (await ensureSyntheticCheckpoint(1)).dir;
}
