// Named import: a default import is undefined where tsx compiles the worker's modules.
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { OnnxWeights, classEffect } from '@gradiend/core';
import type { ClassEffect, Tensor } from '@gradiend/core';

/** A labeled input set for a classifier: rows of `features` floats and one integer label each. */
export interface LabeledSet {
  readonly inputs: Float32Array;
  readonly rows: number;
  readonly labels: Int32Array;
}

export interface OnnxClassifier {
  /** The graph's float initializers under their names: the weights a rewrite changes. */
  readonly weights: ReadonlyMap<string, Tensor>;
  /** Runs the classifier with `replaced` initializers on the labeled set and measures the target class. */
  evaluate(replaced: ReadonlyMap<string, Tensor>): Promise<ClassEffect>;
}

/**
 * A base model's ONNX graph (its initializers named like the parameters, one input [batch,
 * features], first output the logits [batch, classes]) run by onnxruntime-node: each evaluation
 * encodes the graph with the rewritten initializers and runs one session over the whole set.
 */
export function onnxClassifier(
  graph: Uint8Array,
  set: LabeledSet,
  target: number,
  classes: readonly number[],
): OnnxClassifier {
  const editable = new OnnxWeights(graph);
  const [input] = editable.inputNames;
  const [output] = editable.outputNames;
  if (input === undefined || output === undefined)
    throw new Error('the ONNX graph needs an input and an output');
  const weights = new Map<string, Tensor>();
  for (const [name, t] of editable.floatInitializers())
    weights.set(name, { dtype: t.dtype, shape: t.shape, data: t.data });
  return {
    weights,
    async evaluate(replaced) {
      const data = new Map<string, Float32Array | Float64Array>();
      for (const [name, t] of replaced) data.set(name, t.data as Float32Array | Float64Array);
      const bytes = data.size === 0 ? graph : editable.withWeights(data);
      const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      try {
        const x = new OrtTensor('float32', set.inputs, [set.rows, set.inputs.length / set.rows]);
        const logits = (await session.run({ [input]: x }))[output]?.data;
        if (!(logits instanceof Float32Array)) throw new Error('the ONNX graph gave no float32 logits');
        return classEffect(logits, set.labels, target, classes);
      } finally {
        await session.release();
      }
    },
  };
}
