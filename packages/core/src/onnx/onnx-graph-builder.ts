import type { onnx as OnnxTypes } from 'onnx-proto';
import type { FloatArray } from '../model/types.js';
import type { OnnxElementType } from './element-type.js';
import { ONNX_DATA_TYPES, toElementType } from './element-type.js';
import { onnx } from './onnx-proto.js';
import { rawDataOf } from './raw-data.js';

/** A node attribute: `float` → FLOAT, `int` → INT, `ints` → INTS. */
export type OnnxAttribute =
  | { readonly name: string; readonly float: number }
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly ints: readonly number[] };

/** One dimension of a graph input/output: a fixed size or a symbolic name such as 'batch'. */
export type OnnxDim = number | string;

const { AttributeType } = onnx.AttributeProto;

function attributeProto(attr: OnnxAttribute): OnnxTypes.IAttributeProto {
  if ('float' in attr) return { name: attr.name, type: AttributeType.FLOAT, f: attr.float };
  if ('int' in attr) return { name: attr.name, type: AttributeType.INT, i: attr.int };
  return { name: attr.name, type: AttributeType.INTS, ints: [...attr.ints] };
}

/**
 * Collects the nodes, initializers and value infos of one single-element-type graph. Every value
 * (graph input, initializer, node output) gets a unique name; `node` returns its output's name so
 * that ops chain naturally.
 */
export class OnnxGraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private readonly constants = new Map<number, string>();

  constructor(readonly elementType: OnnxElementType) {}

  private claim(name: string): string {
    let unique = name;
    for (let i = 1; this.names.has(unique); i++) unique = `${name}_${i}`;
    this.names.add(unique);
    return unique;
  }

  private valueInfo(name: string, dims: readonly OnnxDim[]): OnnxTypes.IValueInfoProto {
    const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
    return { name, type: { tensorType: { elemType: ONNX_DATA_TYPES[this.elementType], shape: { dim } } } };
  }

  input(name: string, dims: readonly OnnxDim[]): string {
    const unique = this.claim(name);
    this.inputs.push(this.valueInfo(unique, dims));
    return unique;
  }

  /** Declares `value` as a graph output under `name`, through an Identity when the names differ. */
  output(value: string, name: string, dims: readonly OnnxDim[]): void {
    if (value !== name) {
      this.names.add(name);
      this.nodes.push({ name: `${name}_identity`, opType: 'Identity', input: [value], output: [name] });
    }
    this.outputs.push(this.valueInfo(name, dims));
  }

  /** A weight tensor in the graph's element type, stored as raw_data (a view when no conversion is needed). */
  initializer(name: string, dims: readonly number[], data: FloatArray): string {
    const unique = this.claim(name);
    this.initializers.push({
      name: unique,
      dataType: ONNX_DATA_TYPES[this.elementType],
      dims: [...dims],
      rawData: rawDataOf(toElementType(data, this.elementType)),
    });
    return unique;
  }

  /** A scalar constant, shared between all uses of the same value. */
  scalar(value: number): string {
    const known = this.constants.get(value);
    if (known !== undefined) return known;
    const array = this.elementType === 'float32' ? Float32Array.of(value) : Float64Array.of(value);
    const name = this.initializer(`const_${String(value).replace(/[^0-9a-z]/gi, '_')}`, [], array);
    this.constants.set(value, name);
    return name;
  }

  node(opType: string, inputs: readonly string[], attributes: readonly OnnxAttribute[] = []): string {
    const output = this.claim(opType.toLowerCase());
    this.nodes.push({
      name: `${output}_node`,
      opType,
      input: [...inputs],
      output: [output],
      attribute: attributes.map(attributeProto),
    });
    return output;
  }

  build(name: string, docString: string): OnnxTypes.IGraphProto {
    return {
      name,
      docString,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }
}
