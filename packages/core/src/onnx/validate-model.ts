import type { ComputeWeights, FloatArray, GradiendArchitecture } from '../model/types.js';
import { hasEncoderBias } from '../model/weight-layout.js';
import { OnnxExportError } from './onnx-export-error.js';

export function assertArchitecture(a: GradiendArchitecture): void {
  for (const [key, value] of [
    ['inputDim', a.inputDim],
    ['latentDim', a.latentDim],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new OnnxExportError(
        `architecture.${key} must be a positive integer, got ${value}`,
        'architecture',
      );
    }
  }
  if (a.activationEncoder === 'id' && a.latentDim !== 1) {
    throw new OnnxExportError(
      `encoder activation 'id' is LayerNorm(1) in the reference and needs latentDim 1, got ${a.latentDim}`,
      'architecture',
    );
  }
}

function assertLength(name: string, data: FloatArray | null, expected: number): void {
  const actual = data === null ? 'none' : data.length;
  if (actual !== expected) {
    throw new OnnxExportError(`${name} must have ${expected} elements, got ${actual}`, 'weights');
  }
}

/** The weights must match the architecture, or the graph would be valid protobuf yet fail to run. */
export function assertWeights(a: GradiendArchitecture, w: ComputeWeights, part: 'encoder' | 'decoder'): void {
  const weightNumel = a.inputDim * a.latentDim;
  if (part === 'encoder') {
    assertLength('encoderWeight', w.encoderWeight, weightNumel);
    if (hasEncoderBias(a)) assertLength('encoderBias', w.encoderBias, a.latentDim);
    else if (w.encoderBias !== null) {
      throw new OnnxExportError('encoderBias is set but architecture.biasEncoder is false', 'weights');
    }
    if ((a.activationEncoder === 'id') !== (w.layerNorm !== null)) {
      throw new OnnxExportError(
        a.activationEncoder === 'id'
          ? "encoder activation 'id' needs the LayerNorm(1) weights (computeWeights().layerNorm is null)"
          : `computeWeights().layerNorm is set but the encoder activation is '${a.activationEncoder}', not 'id'`,
        'weights',
      );
    }
  } else {
    assertLength('decoderWeight', w.decoderWeight, weightNumel);
    if (a.biasDecoder) assertLength('decoderBias', w.decoderBias, a.inputDim);
    else if (w.decoderBias !== null) {
      throw new OnnxExportError('decoderBias is set but architecture.biasDecoder is false', 'weights');
    }
  }
}
