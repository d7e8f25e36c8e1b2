import os from 'node:os';
import path from 'node:path';
import { GradiendModel, ParamMap, tensor } from '../src/index.js';
import type { ParamSelectionSpec } from '../src/index.js';
import { BERT_BASE_INPUT_DIM, bertBaseDims, bertEncoderParams } from './bert-base-shapes.js';
import { Xorshift32 } from './xorshift.js';

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

/** The param map of an unpruned GRADIEND over every bert-base encoder parameter (`repr: all`). */
export function bertParamMap(shrink: number): ParamMap {
  const specs: ParamSelectionSpec[] = bertEncoderParams(bertBaseDims(shrink)).map(([name, shape]) => ({
    name,
    shape,
    repr: 'all',
  }));
  const map = ParamMap.fromSpecs(specs);
  if (shrink === 1 && map.selectedTotal !== BERT_BASE_INPUT_DIM) {
    throw new Error(`bert-base param map has ${map.selectedTotal} dims, expected ${BERT_BASE_INPUT_DIM}`);
  }
  return map;
}

/**
 * A deterministic latent-1 GRADIEND (tanh encoder, identity decoder with bias, float32). The encoder
 * scale keeps W·x of a uniform [-1, 1) input around ±0.3, so tanh does not saturate.
 */
export function buildSyntheticModel(options: SyntheticOptions): GradiendModel {
  const paramMap = bertParamMap(options.shrink);
  const n = paramMap.selectedTotal;
  const rng = new Xorshift32(options.seed ?? BENCH_SEED);
  const encoderScale = 1 / Math.sqrt(n);
  const weights = {
    encoderWeight: tensor('F32', [1, n], rng.fill(new Float32Array(n), encoderScale)),
    encoderBias: tensor('F32', [1], rng.fill(new Float32Array(1), 0.1)),
    decoderWeight: tensor('F32', [n, 1], rng.fill(new Float32Array(n), 0.01)),
    decoderBias: tensor('F32', [n], rng.fill(new Float32Array(n), 0.001)),
    encoderNorm: null,
  };
  const architecture = {
    inputDim: n,
    latentDim: 1,
    activationEncoder: 'tanh',
    activationDecoder: 'id',
    biasDecoder: true,
    dtype: 'float32',
  } as const;
  return new GradiendModel(architecture, weights, paramMap, {
    base_model: 'bert-base-uncased',
    synthetic: { generator: 'packages/core/bench', seed: options.seed ?? BENCH_SEED, shrink: options.shrink },
  });
}
