/** The reference's state-dict keys (LargeLinear wraps nn.Linear as `.linear`; `encoder.1` is LayerNorm(1)). */
export const WEIGHT_NAMES = {
  encoderWeight: 'encoder.0.linear.weight',
  encoderBias: 'encoder.0.linear.bias',
  decoderWeight: 'decoder.0.linear.weight',
  decoderBias: 'decoder.0.linear.bias',
  layerNormWeight: 'encoder.1.weight',
  layerNormBias: 'encoder.1.bias',
} as const;

export const WEIGHT_FILES = { safetensors: 'model.safetensors', torch: 'pytorch_model.bin' } as const;
export const MAPPING_STEMS = { indices: 'mapping_indices', masks: 'mapping_masks' } as const;
export const TRAINING_FILE = 'training.json';
export const CONTEXT_FILE = 'gradiend_context.json';
