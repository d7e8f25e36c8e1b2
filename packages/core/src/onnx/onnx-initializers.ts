import type { onnx as OnnxTypes } from 'onnx-proto';
import { RewriteError } from '../errors.js';
import { onnx } from './onnx-proto.js';

/** TensorProto.DataType codes of the float types we read and write. */
const FLOAT_TYPES = { 1: 'F32', 11: 'F64' } as const;

export interface OnnxFloatInitializer {
  readonly name: string;
  readonly dtype: 'F32' | 'F64';
  readonly shape: number[];
  readonly data: Float32Array | Float64Array;
}

function dimsOf(t: OnnxTypes.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => Number(d));
}

function floatData(
  t: OnnxTypes.ITensorProto,
  dtype: 'F32' | 'F64',
  numel: number,
): Float32Array | Float64Array {
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    // A copy into a fresh buffer: protobufjs hands out Node Buffers, whose slice() is a view.
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    return dtype === 'F32'
      ? new Float32Array(copy.buffer, 0, numel)
      : new Float64Array(copy.buffer, 0, numel);
  }
  const values = dtype === 'F32' ? (t.floatData ?? []) : (t.doubleData ?? []);
  return dtype === 'F32' ? Float32Array.from(values) : Float64Array.from(values);
}

/**
 * An ONNX model whose float initializers can be read and replaced: the base model of a rewrite
 * effect sweep, where the initializers carry the parameter names. Decoded once; each `withWeights`
 * encodes a new model (little-endian hosts only, like the rest of the file I/O).
 */
export class OnnxWeights {
  private readonly model: OnnxTypes.ModelProto;

  constructor(bytes: Uint8Array) {
    try {
      this.model = onnx.ModelProto.decode(bytes);
    } catch {
      throw new RewriteError('the ONNX graph cannot be parsed', null);
    }
    if (!this.model.graph) throw new RewriteError('the ONNX model has no graph', null);
  }

  get inputNames(): string[] {
    const inits = new Set((this.model.graph?.initializer ?? []).map((t) => t.name));
    return (this.model.graph?.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n));
  }

  get outputNames(): string[] {
    return (this.model.graph?.output ?? []).map((o) => o.name ?? '');
  }

  /** The float32/float64 initializers with external data left out (those are not weights we can edit). */
  floatInitializers(): Map<string, OnnxFloatInitializer> {
    const out = new Map<string, OnnxFloatInitializer>();
    for (const t of this.model.graph?.initializer ?? []) {
      const dtype = FLOAT_TYPES[(t.dataType ?? 0) as keyof typeof FLOAT_TYPES];
      if (!dtype || !t.name || (t.externalData?.length ?? 0) > 0) continue;
      const shape = dimsOf(t);
      const numel = shape.reduce((a, b) => a * b, 1);
      const data = floatData(t, dtype, numel);
      if (data.length !== numel) continue;
      out.set(t.name, { name: t.name, dtype, shape, data });
    }
    return out;
  }

  /** The model with these initializers' data replaced (same names, dtypes and shapes). */
  withWeights(replacements: ReadonlyMap<string, Float32Array | Float64Array>): Uint8Array {
    const graph = this.model.graph as OnnxTypes.GraphProto;
    const original = graph.initializer;
    graph.initializer = original.map((t) => {
      const data = t.name ? replacements.get(t.name) : undefined;
      if (!data) return t;
      const copy = onnx.TensorProto.create({ ...t, floatData: [], doubleData: [] });
      copy.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      return copy;
    });
    try {
      return onnx.ModelProto.encode(this.model).finish();
    } finally {
      graph.initializer = original;
    }
  }
}
