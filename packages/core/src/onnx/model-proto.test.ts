import type { onnx as OnnxTypes } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { GradiendModelLike } from '../model/types.js';
import { exportDecoderOnnx } from './export-decoder.js';
import { exportEncoderOnnx } from './export-encoder.js';
import { ONNX_IR_VERSION, ONNX_OPSET } from './model-proto.js';
import { OnnxExportError } from './onnx-export-error.js';
import { onnx } from './onnx-proto.js';
import { randomModel } from './testing/test-models.js';

const model = randomModel({
  inputDim: 6,
  latentDim: 2,
  activationEncoder: 'tanh',
  activationDecoder: 'gelu',
  biasDecoder: true,
  precision: 'f32',
  seed: 11,
});

function metadataOf(m: OnnxTypes.ModelProto): Record<string, string> {
  return Object.fromEntries(m.metadataProps.map((e) => [e.key, e.value]));
}

function dimsOf(info: OnnxTypes.IValueInfoProto | undefined): (string | number)[] {
  return (info?.type?.tensorType?.shape?.dim ?? []).map((d) => d.dimParam || Number(d.dimValue));
}

describe('ONNX model proto', () => {
  it('records opset, IR version, producer, doc string and metadata', () => {
    const bytes = exportEncoderOnnx(model, {
      paramMapHash: 'abc123',
      metadata: { base_model: 'mlp', input_dim: '0' },
    });
    const m = onnx.ModelProto.decode(bytes);
    expect(Number(m.irVersion)).toBe(ONNX_IR_VERSION);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    expect(m.producerName).toBe('gradiend-studio');
    expect(m.docString).toContain('GRADIEND encoder: input_dim=6, latent_dim=2, activation_encoder=tanh');
    expect(metadataOf(m)).toEqual({
      base_model: 'mlp',
      gradiend_part: 'encoder',
      input_dim: '6',
      latent_dim: '2',
      activation_encoder: 'tanh',
      activation_decoder: 'gelu',
      bias_encoder: 'true',
      bias_decoder: 'true',
      torch_dtype: 'float32',
      onnx_element_type: 'float32',
      param_map_hash: 'abc123',
    });
  });

  it('declares a dynamic batch dimension and stores the weights verbatim as raw_data', () => {
    const w = model.computeWeights();
    const enc = onnx.ModelProto.decode(exportEncoderOnnx(model)).graph;
    const dec = onnx.ModelProto.decode(exportDecoderOnnx(model)).graph;
    expect(enc?.input?.map((i) => [i.name, dimsOf(i)])).toEqual([['x', ['batch', 6]]]);
    expect(enc?.output?.map((o) => [o.name, dimsOf(o)])).toEqual([['encoded', ['batch', 2]]]);
    expect(dec?.input?.map((i) => [i.name, dimsOf(i)])).toEqual([['latent', ['batch', 2]]]);
    expect(dec?.output?.map((o) => [o.name, dimsOf(o)])).toEqual([['decoded', ['batch', 6]]]);

    const init = (g: OnnxTypes.IGraphProto | null | undefined, name: string) =>
      g?.initializer?.find((t) => t.name === name);
    const encW = init(enc, 'encoder.0.linear.weight');
    expect(encW?.dims?.map(Number)).toEqual([2, 6]);
    expect(encW?.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    expect(Buffer.from(encW?.rawData ?? [])).toEqual(Buffer.from(w.encoderWeight.buffer));
    const decW = init(dec, 'decoder.0.linear.weight');
    expect(decW?.dims?.map(Number)).toEqual([6, 2]);
    expect(Buffer.from(decW?.rawData ?? [])).toEqual(Buffer.from(w.decoderWeight.buffer));
    expect(init(dec, 'decoder.0.linear.bias')?.dims?.map(Number)).toEqual([6]);
  });

  it('uses DOUBLE for float64 models', () => {
    const m64 = randomModel({ ...model.architecture, precision: 'f64', seed: 1 });
    const g = onnx.ModelProto.decode(exportDecoderOnnx(m64)).graph;
    expect(g?.input?.[0]?.type?.tensorType?.elemType).toBe(onnx.TensorProto.DataType.DOUBLE);
    expect(g?.initializer?.every((t) => t.dataType === onnx.TensorProto.DataType.DOUBLE)).toBe(true);
  });
});

describe('export errors', () => {
  const huge: GradiendModelLike = {
    architecture: { ...model.architecture, inputDim: 300_000_000, latentDim: 2 },
    computeWeights: () => {
      throw new Error('weights must not be materialised for an oversized model');
    },
  };

  it.each([
    ['encoder', exportEncoderOnnx],
    ['decoder', exportDecoderOnnx],
  ] as const)('refuses a %s above protobuf 2 GiB before reading the weights', (_part, exporter) => {
    expect(() => exporter(huge)).toThrow(OnnxExportError);
    expect(() => exporter(huge)).toThrow(/2 GiB.*external data.*not supported yet/);
  });

  it('accounts for float64 doubling the size', () => {
    const m: GradiendModelLike = {
      architecture: { ...huge.architecture, inputDim: 150_000_000, dtype: 'float64' },
      computeWeights: huge.computeWeights,
    };
    expect(() => exportEncoderOnnx(m)).toThrow(/2 GiB/);
    expect(() => exportEncoderOnnx(m, { elementType: 'float32' })).toThrow(/must not be materialised/);
  });

  it("rejects the 'id' encoder with a latent dimension other than 1", () => {
    const m = randomModel({ ...model.architecture, activationEncoder: 'id', precision: 'f32', seed: 2 });
    expect(() => exportEncoderOnnx(m)).toThrow(/LayerNorm\(1\).*latentDim 1, got 2/);
  });

  it('rejects weights that do not match the architecture', () => {
    const w = model.computeWeights();
    const short: GradiendModelLike = {
      architecture: model.architecture,
      computeWeights: () => ({ ...w, encoderWeight: w.encoderWeight.subarray(1), decoderBias: null }),
    };
    expect(() => exportEncoderOnnx(short)).toThrow('encoderWeight must have 12 elements, got 11');
    expect(() => exportDecoderOnnx(short)).toThrow('decoderBias must have 6 elements, got none');
  });

  it('rejects non-positive dimensions', () => {
    const m: GradiendModelLike = { ...model, architecture: { ...model.architecture, inputDim: 0 } };
    expect(() => exportDecoderOnnx(m)).toThrow('architecture.inputDim must be a positive integer, got 0');
  });
});
