// Named imports: a default import is undefined where tsx compiles the worker's modules.
import { Tensor, type InferenceSession } from 'onnxruntime-node';

import type { GraphKind } from '../schemas/vocabulary.js';
import { scaleInputs } from './scale-inputs.js';

export type { GraphKind };

/** Input and output names of the core's ONNX export. */
const IO = {
  encoder: { input: 'x', output: 'encoded' },
  decoder: { input: 'latent', output: 'decoded' },
} as const;

/**
 * One forward of an exported graph on `batch` rows, after dividing the input by `scale` in place;
 * the main thread and the workers both run it, so both give the same bits.
 */
export async function runGraph(
  session: InferenceSession,
  which: GraphKind,
  input: Float32Array,
  batch: number,
  scale = 1,
): Promise<Float32Array> {
  scaleInputs(input, scale);
  const io = IO[which];
  // ONNX Runtime takes no shared memory (a worker's encode bodies are, see routes/onnx.ts).
  const data = input.buffer instanceof SharedArrayBuffer ? Float32Array.from(input) : input;
  const x = new Tensor('float32', data, [batch, input.length / batch]);
  const out = (await session.run({ [io.input]: x }))[io.output]?.data;
  if (!(out instanceof Float32Array)) throw new Error(`the ${which} graph gave no float32 ${io.output}`);
  return out;
}
