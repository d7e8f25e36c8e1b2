import { ParamMap } from '../mapping/param-map.js';
import type { ParamSelectionSpec } from '../mapping/types.js';
import { GradiendModel } from '../model/gradiend-model.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { tensor } from '../tensor/tensor.js';
import { BERT_BASE_INPUT_DIM, bertBaseDims, bertEncoderParams } from './bert-shapes.js';

export interface SyntheticBertOptions {
  /** 1 = bert-base-uncased; 8 = widths / 8 (about 1/64 of the input dims). */
  readonly shrink: number;
  readonly seed: number;
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
 * A deterministic, untrained latent-1 GRADIEND over a BERT encoder's parameters (tanh encoder,
 * identity decoder with bias, float32): the one generator behind the benchmark's BERT-base
 * checkpoint and the built-in BERT-shaped example. The encoder scale keeps W·x of a uniform
 * [-1, 1) input around ±0.3, so tanh does not saturate.
 */
export function buildSyntheticBertModel(options: SyntheticBertOptions): GradiendModel {
  const paramMap = bertParamMap(options.shrink);
  const n = paramMap.selectedTotal;
  const rng = new Xorshift32(options.seed);
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
    synthetic: { generator: 'gradiend-studio synthetic BERT', seed: options.seed, shrink: options.shrink },
  });
}
