import { ParamMap } from '../mapping/param-map.js';
import { GradiendModel } from '../model/gradiend-model.js';

type Values = Float32Array | Float64Array;

/** The weights of a latent-1 model, one value per input dim (the encoder bias: one value). */
export interface LatentOneWeights {
  readonly encoder: Values;
  readonly encoderBias: Values;
  readonly decoder: Values;
  readonly decoderBias: Values;
}

/**
 * A latent-1 tanh GRADIEND with a decoder bias, in the dtype of its arrays (float64 arrays:
 * float64), over one `all` parameter 'w' unless a param map is given: the model the large-input
 * tests build around their own weight values.
 */
export function latentOneModel(w: LatentOneWeights, paramMap?: ParamMap): GradiendModel {
  const n = w.encoder.length;
  const f64 = w.encoder instanceof Float64Array;
  const t = f64 ? 'F64' : 'F32';
  return new GradiendModel(
    {
      inputDim: n,
      latentDim: 1,
      activationEncoder: 'tanh',
      activationDecoder: 'id',
      biasDecoder: true,
      dtype: f64 ? 'float64' : 'float32',
    },
    {
      encoderWeight: { dtype: t, shape: [1, n], data: w.encoder },
      encoderBias: { dtype: t, shape: [1], data: w.encoderBias },
      decoderWeight: { dtype: t, shape: [n, 1], data: w.decoder },
      decoderBias: { dtype: t, shape: [n], data: w.decoderBias },
      encoderNorm: null,
    },
    paramMap ?? ParamMap.fromSpecs([{ name: 'w', shape: [n], repr: 'all' }]),
  );
}
