import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bertBaseDims, bertEncoderParams } from '../../src/demo/bert-shapes.js';
import { Xorshift32 } from '../../src/random/xorshift32.js';
import {
  CONFIG_FILE,
  loadCheckpoint,
  parseCheckpointConfig,
  readSafetensorsHeaderFromFile,
  saveCheckpoint,
  writeSafetensorsFile,
} from '../../src/node.js';
import type { Tensor } from '../../src/index.js';
import { ensureSyntheticCheckpoint } from '../ensure-checkpoint.js';

export const PRUNE_FRACTION = 0.01;
const BASE_SEED = 7;

/** Generated inputs of the rewrite benchmark: temp files, never in the repository. */
export function benchPaths(shrink: number): { base: string; pruned: string } {
  const suffix = shrink === 1 ? '' : `-${shrink}`;
  return {
    base: path.join(os.tmpdir(), `gradiend-bench-bert-base-weights${suffix}.safetensors`),
    pruned: path.join(os.tmpdir(), `gradiend-bench-bert-base-pruned-1pct${suffix}`),
  };
}

/**
 * BERT-base-shaped base weights: every parameter the synthetic GRADIEND maps (its `bert.` names)
 * plus the pooler, which no GRADIEND maps (copied byte for byte by a rewrite). About 440 MB.
 */
function baseTensors(shrink: number): Map<string, Tensor> {
  const d = bertBaseDims(shrink);
  const rng = new Xorshift32(BASE_SEED);
  const params = [
    ...bertEncoderParams(d),
    ['bert.pooler.dense.weight', [d.hidden, d.hidden]],
    ['bert.pooler.dense.bias', [d.hidden]],
  ] as const;
  const out = new Map<string, Tensor>();
  for (const [name, shape] of params) {
    const n = shape.reduce((a, b) => a * b, 1);
    out.set(name, { dtype: 'F32', shape: [...shape], data: rng.fill(new Float32Array(n), 0.05) });
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null)) !== null;
}

/** Writes whatever is missing: the unpruned GRADIEND (the generator of `pnpm bench core`), its 1 % prune, the base. */
export async function ensureRewriteBenchData(shrink: number, log: (line: string) => void): Promise<void> {
  const { dir, reused } = await ensureSyntheticCheckpoint(shrink);
  log(`${reused ? 'reused' : 'wrote'} ${dir}`);
  const { base, pruned } = benchPaths(shrink);
  const expectedTensors = bertEncoderParams(bertBaseDims(shrink)).length + 2;
  const baseOk = await readSafetensorsHeaderFromFile(base).then(
    (h) => h.tensors.length === expectedTensors,
    () => false,
  );
  if (!baseOk) {
    await writeSafetensorsFile(base, baseTensors(shrink), { format: 'pt' });
    log(`wrote ${base}`);
  }
  const prunedOk =
    (await exists(path.join(pruned, CONFIG_FILE))) &&
    parseCheckpointConfig(await readFile(path.join(pruned, CONFIG_FILE), 'utf8')).architecture.inputDim > 0;
  if (!prunedOk) {
    const { model } = await loadCheckpoint(dir);
    const { model: small } = model.prune({ topk: { fraction: PRUNE_FRACTION }, part: 'decoder-weight' });
    await saveCheckpoint(pruned, small);
    log(`wrote ${pruned} (input_dim ${small.inputDim})`);
  }
}
