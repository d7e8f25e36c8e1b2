import { describe, expect, it } from 'vitest';
import { MlpModel } from '../base-model/mlp-model.js';
import { Xorshift32 } from '../random/xorshift32.js';
import { exportMlpOnnx } from './export-mlp.js';
import { onnx } from './onnx-proto.js';
import { mismatches, runOnnx } from './testing/run-onnx.js';

describe('exportMlpOnnx', () => {
  it.each([
    ['float32', [64, 32, 10]],
    ['float64', [5, 7, 6, 3]],
  ] as const)('computes the model’s logits (%s, %j)', async (dtype, sizes) => {
    const model = new MlpModel({ layerSizes: sizes, dtype, seed: 4 });
    const rows = 6;
    const x = new Xorshift32(8).fill(
      dtype === 'float32' ? new Float32Array(rows * sizes[0]) : new Float64Array(rows * sizes[0]),
    );
    const result = await runOnnx(exportMlpOnnx(model), 'pixels', x, [rows, sizes[0]]);
    expect(result.dims).toEqual([rows, sizes[sizes.length - 1]]);
    const expected = model.forward({ inputs: x, labels: new Int32Array(rows) });
    const [rtol, atol] = dtype === 'float32' ? [1e-5, 1e-6] : [1e-12, 1e-13];
    expect(mismatches(result.data, expected, rtol, atol)).toEqual([]);
  });

  it('names the input, output and initializers like the reference demo', () => {
    const model = new MlpModel({ layerSizes: [64, 32, 10], seed: 1 });
    const proto = onnx.ModelProto.decode(exportMlpOnnx(model));
    const graph = proto.graph;
    expect(graph?.input?.map((i) => i.name)).toEqual(['pixels']);
    expect(graph?.output?.map((o) => o.name)).toEqual(['logits']);
    expect(graph?.initializer?.map((t) => [t.name, t.dims?.map(Number)])).toEqual([
      ['fc1.weight', [32, 64]],
      ['fc1.bias', [32]],
      ['fc2.weight', [10, 32]],
      ['fc2.bias', [10]],
    ]);
  });
});
