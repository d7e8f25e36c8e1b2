import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GradiendModel, ParamMap, saveCheckpoint, tensor } from '@gradiend/core/node';

/** bert-base-uncased encoder parameters (embeddings + 12 layers, no pooler): 108,891,648 entries. */
function bertBaseParams(): [string, number[]][] {
  const h = 768;
  const ff = 3072;
  const params: [string, number[]][] = [
    ['bert.embeddings.word_embeddings.weight', [30522, h]],
    ['bert.embeddings.position_embeddings.weight', [512, h]],
    ['bert.embeddings.token_type_embeddings.weight', [2, h]],
    ['bert.embeddings.LayerNorm.weight', [h]],
    ['bert.embeddings.LayerNorm.bias', [h]],
  ];
  for (let l = 0; l < 12; l++) {
    const p = `bert.encoder.layer.${l}`;
    for (const m of ['query', 'key', 'value']) {
      params.push([`${p}.attention.self.${m}.weight`, [h, h]], [`${p}.attention.self.${m}.bias`, [h]]);
    }
    params.push(
      [`${p}.attention.output.dense.weight`, [h, h]],
      [`${p}.attention.output.dense.bias`, [h]],
      [`${p}.attention.output.LayerNorm.weight`, [h]],
      [`${p}.attention.output.LayerNorm.bias`, [h]],
      [`${p}.intermediate.dense.weight`, [ff, h]],
      [`${p}.intermediate.dense.bias`, [ff]],
      [`${p}.output.dense.weight`, [h, ff]],
      [`${p}.output.dense.bias`, [h]],
      [`${p}.output.LayerNorm.weight`, [h]],
      [`${p}.output.LayerNorm.bias`, [h]],
    );
  }
  return params;
}

function fillUniform(out: Float32Array, seed: number, scale: number): Float32Array {
  let s = seed >>> 0 || 1;
  const k = (2 * scale) / 2 ** 32;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) * k - scale;
  }
  return out;
}

/**
 * An unpruned latent-1 GRADIEND over all bert-base encoder parameters (~1.3 GB), written once to a
 * temp folder outside the repository and reused by later runs.
 */
export async function ensureBigModel(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'gradiend-e2e-bert-base-unpruned');
  if (existsSync(path.join(dir, 'config.json'))) return dir;
  const paramMap = ParamMap.fromSpecs(
    bertBaseParams().map(([name, shape]) => ({ name, shape, repr: 'all' })),
  );
  const n = paramMap.selectedTotal;
  const model = new GradiendModel(
    {
      inputDim: n,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: 'float32',
    },
    {
      encoderWeight: tensor('F32', [1, n], fillUniform(new Float32Array(n), 1, 1 / Math.sqrt(n))),
      encoderBias: tensor('F32', [1], new Float32Array([0.01])),
      decoderWeight: tensor('F32', [n, 1], fillUniform(new Float32Array(n), 2, 0.01)),
      decoderBias: tensor('F32', [n], fillUniform(new Float32Array(n), 3, 0.001)),
      encoderNorm: null,
    },
    paramMap,
    { base_model: 'bert-base-uncased' },
  );
  await saveCheckpoint(dir, model);
  return dir;
}
