import { InferenceSession, Tensor } from 'onnxruntime-node';

export interface OnnxRunResult {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** Runs a single-input, single-output model in onnxruntime-node (CPU). */
export async function runOnnx(
  bytes: Uint8Array,
  inputName: string,
  input: Float32Array | Float64Array,
  dims: readonly number[],
): Promise<OnnxRunResult> {
  const session = await InferenceSession.create(bytes);
  try {
    const tensor =
      input instanceof Float32Array ? new Tensor('float32', input, dims) : new Tensor('float64', input, dims);
    const results = await session.run({ [inputName]: tensor });
    const [outputName] = session.outputNames;
    const output = outputName === undefined ? undefined : results[outputName];
    if (!output) throw new Error('model produced no output');
    const data = output.data;
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
      throw new Error(`unexpected output type ${output.type}`);
    }
    return { type: output.type, dims: output.dims, data };
  } finally {
    await session.release();
  }
}

/** Indices where |actual − expected| > rtol·|expected| + atol, with both values, for readable failures. */
export function mismatches(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol: number,
): { index: number; actual: number; expected: number }[] {
  const bad: { index: number; actual: number; expected: number }[] = [];
  if (actual.length !== expected.length)
    return [{ index: -1, actual: actual.length, expected: expected.length }];
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) bad.push({ index: i, actual: a, expected: e });
  }
  return bad;
}
