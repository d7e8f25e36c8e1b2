import { readdirSync } from 'node:fs';
import { exportEncoderOnnx, type GradiendModel } from '@gradiend/core';
import { loadCheckpoint } from '@gradiend/core/node';
import { InferenceSession } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixturePath } from '../test-support/fixtures.js';
import { encodeWithCore, encodesWithCore } from './encode-with-core.js';
import { runGraph } from './run-graph.js';
import { requireFiniteInputs } from './scale-inputs.js';

function rows(batch: number, width: number, seed: number): Float32Array {
  return Float32Array.from({ length: batch * width }, (_, i) => Math.sin(i * 0.37 + seed) * 0.3);
}

/** The error a call throws, as `{code, message}` (undefined when it does not throw). */
function thrown(f: () => unknown): { code: unknown; message: string } | undefined {
  try {
    f();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  return undefined;
}

// Float64 models export a DOUBLE graph, which runGraph's float32 tensor cannot feed.
const CASES = readdirSync(FIXTURES_DIR).filter((c) => c !== 'dtype-float64' && !c.startsWith('.'));

describe('encodeWithCore against ONNX Runtime on the reference fixtures', () => {
  const models = new Map<string, { model: GradiendModel; session: InferenceSession }>();
  beforeAll(async () => {
    for (const c of CASES) {
      const { model } = await loadCheckpoint(fixturePath(c, 'model'));
      const session = await InferenceSession.create(exportEncoderOnnx(model));
      models.set(c, { model, session });
    }
  });

  it.each(CASES)('%s: within the fixtures’ 1e-4, and the same bits as the model', async (c) => {
    const { model, session } = models.get(c) ?? expect.unreachable();
    const n = model.inputDim;
    for (const [batch, scale] of [
      [1, 1],
      [2, 1],
      [1, 2.5],
      [2, 0.3],
    ] as const) {
      const x = rows(batch, n, n + batch);
      const core = encodeWithCore(model.encoder(), Float32Array.from(x), batch, scale);
      const ort = await runGraph(session, 'encoder', Float32Array.from(x), batch, scale);
      expect(core.length).toBe(batch * model.latentDim);
      // LayerNorm(1) of one value is its bias (0 here) plus rounding noise of ~3e-6, in the reference
      // as in the core; ONNX Runtime gives the exact 0. Hence the absolute floor next to the 1e-4.
      for (let i = 0; i < core.length; i++) {
        const want = ort[i] ?? NaN;
        expect(Math.abs((core[i] ?? NaN) - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want) + 1e-5);
      }
      const scaled = Float32Array.from(x, (v) => v / scale);
      const split = Array.from({ length: batch }, (_, b) => scaled.subarray(b * n, (b + 1) * n));
      expect(core).toEqual(Float32Array.from(model.encodeRows(split)));
    }
  });
});

describe('encodeWithCore checks its inputs as the ONNX Runtime path does', () => {
  let model: GradiendModel;
  beforeAll(async () => {
    ({ model } = await loadCheckpoint(fixturePath('two-layer-all', 'model')));
  });

  it.each([
    ['NaN at an odd position', 7, NaN, 1],
    ['+Inf in the second row', -1, Infinity, 1],
    ['-Inf with a scale', 3, -Infinity, 2],
    ['a value that overflows once scaled', 5, 3e38, 0.5],
  ])('%s: the same 422 and message', (_what, at, value, scale) => {
    const n = model.inputDim;
    const x = rows(2, n, 1);
    x[at < 0 ? n + 1 : at] = value;
    const expected = thrown(() => requireFiniteInputs(Float32Array.from(x), scale));
    expect(expected?.code).toBe('GRADIEND_ERR_INPUT_VALUE');
    expect(thrown(() => encodeWithCore(model.encoder(), Float32Array.from(x), 2, scale))).toEqual(expected);
  });

  it('lets finite inputs through even where a sum passes float32 (as the graph does)', () => {
    const x = new Float32Array(model.inputDim).fill(3e38);
    expect(thrown(() => requireFiniteInputs(Float32Array.from(x), 1))).toBeUndefined();
    const out = encodeWithCore(model.encoder(), x, 1);
    expect(out.length).toBe(model.latentDim);
  });

  it('takes only a few dot products', () => {
    expect(encodesWithCore(1, 1)).toBe(true);
    expect(encodesWithCore(1, 2)).toBe(true);
    expect(encodesWithCore(1, 3)).toBe(false);
    expect(encodesWithCore(3, 1)).toBe(false);
  });
});
