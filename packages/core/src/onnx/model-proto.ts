import type { onnx as OnnxTypes } from 'onnx-proto';
import type { GradiendArchitecture } from '../model/types.js';
import { hasEncoderBias } from '../model/weight-layout.js';
import type { OnnxElementType } from './element-type.js';
import type { OnnxExportOptions } from './export-options.js';
import { OnnxExportError } from './onnx-export-error.js';
import { onnx } from './onnx-proto.js';

/**
 * Opset 17 is the first with LayerNormalization (needed for the `id` encoder); GELU is written
 * with Erf, so opset 20's Gelu is not needed. IR version 8 is the one ONNX pairs with opset 17.
 */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const ONNX_PRODUCER_NAME = 'gradiend-studio';

/** protobuf refuses to parse (and its C++ runtime to serialize) messages of 2 GiB or more. */
export const PROTOBUF_MAX_BYTES = 2 ** 31 - 1;
/** Generous upper bound for everything but the initializers' raw data (names, nodes, metadata). */
const GRAPH_OVERHEAD_BYTES = 1 << 20;

export type GradiendPart = 'encoder' | 'decoder';

/** Throws before any weight is materialised when the serialized model would not fit in protobuf. */
export function assertFitsInProtobuf(part: GradiendPart, weightBytes: number): void {
  if (weightBytes + GRAPH_OVERHEAD_BYTES <= PROTOBUF_MAX_BYTES) return;
  const mib = (weightBytes / 2 ** 20).toFixed(0);
  throw new OnnxExportError(
    `the ${part} ONNX model would hold ${mib} MiB of weights, more than protobuf's 2 GiB message limit; ` +
      `ONNX external data (weights in a side file) is not supported yet`,
    'too-large',
  );
}

export function architectureDocString(a: GradiendArchitecture, part: GradiendPart): string {
  const encoderActivation = a.activationEncoder === 'id' ? 'id (LayerNorm(1))' : a.activationEncoder;
  return (
    `GRADIEND ${part}: input_dim=${a.inputDim}, latent_dim=${a.latentDim}, ` +
    `activation_encoder=${encoderActivation}, activation_decoder=${a.activationDecoder}, ` +
    `bias_encoder=${hasEncoderBias(a)}, bias_decoder=${a.biasDecoder}, dtype=${a.dtype}`
  );
}

export interface ModelProtoParts {
  readonly part: GradiendPart;
  readonly architecture: GradiendArchitecture;
  readonly elementType: OnnxElementType;
  readonly graph: OnnxTypes.IGraphProto;
  readonly options: OnnxExportOptions;
}

function metadataProps(p: ModelProtoParts): OnnxTypes.IStringStringEntryProto[] {
  const a = p.architecture;
  const own: Record<string, string> = {
    gradiend_part: p.part,
    input_dim: String(a.inputDim),
    latent_dim: String(a.latentDim),
    activation_encoder: a.activationEncoder,
    activation_decoder: a.activationDecoder,
    bias_encoder: String(hasEncoderBias(a)),
    bias_decoder: String(a.biasDecoder),
    torch_dtype: a.dtype,
    onnx_element_type: p.elementType,
  };
  if (p.options.paramMapHash !== undefined) own.param_map_hash = p.options.paramMapHash;
  const merged = { ...p.options.metadata, ...own };
  return Object.entries(merged).map(([key, value]) => ({ key, value }));
}

export function encodeModelProto(p: ModelProtoParts): Uint8Array {
  return encodeOnnxModel(p.graph, architectureDocString(p.architecture, p.part), metadataProps(p));
}

/** ModelProto bytes of any graph this package builds (same IR version, opset and producer). */
export function encodeOnnxModel(
  graph: OnnxTypes.IGraphProto,
  docString: string,
  metadata: OnnxTypes.IStringStringEntryProto[] = [],
): Uint8Array {
  const model: OnnxTypes.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: ONNX_PRODUCER_NAME,
    docString,
    graph,
    metadataProps: metadata,
  };
  return onnx.ModelProto.encode(model).finish();
}
