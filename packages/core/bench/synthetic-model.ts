import os from 'node:os';
import path from 'node:path';
import { buildSyntheticBertModel } from '../src/demo/synthetic-bert-model.js';
import type { GradiendModel } from '../src/index.js';

export { bertParamMap } from '../src/demo/synthetic-bert-model.js';

export const BENCH_SEED = 20240501;

export interface SyntheticOptions {
  /** 1 = bert-base-uncased; 8 = widths / 8 (about 1/64 of the input dims) for a quick run. */
  readonly shrink: number;
  readonly seed?: number;
}

/** Where the checkpoint lives: a temp folder, never inside the repository. */
export function syntheticCheckpointDir(shrink: number): string {
  return path.join(
    os.tmpdir(),
    shrink === 1 ? 'gradiend-bench-bert-base' : `gradiend-bench-bert-base-${shrink}`,
  );
}

/** The benchmark's model: the core's synthetic BERT generator with the benchmark seed. */
export function buildSyntheticModel(options: SyntheticOptions): GradiendModel {
  return buildSyntheticBertModel({ shrink: options.shrink, seed: options.seed ?? BENCH_SEED });
}
