import { JsonNumber, JsonObject, fromPlain } from '../json/index.js';
import type { JsonValue } from '../json/index.js';
import { stringifyPythonJson } from '../json/python-json.js';
import { INT32_INDEX_LIMIT } from '../mapping/representation.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  CONTEXT_FILE,
  MAPPING_STEMS,
  TRAINING_FILE,
  WEIGHT_FILES,
  WEIGHT_NAMES,
} from './state-dict-names.js';

export interface SaveOptions {
  /** Written to training.json; defaults to the model's `training` metadata (as the reference does). */
  readonly training?: unknown;
  /** Written to gradiend_context.json when given. */
  readonly gradiendContext?: unknown;
}

/** Everything a checkpoint folder will hold, before any byte is written. */
export interface CheckpointPlan {
  /** config.json text, exactly as Python's json.dump(indent=2) would write it. */
  readonly config: string;
  readonly weights: ReadonlyArray<readonly [string, Tensor]>;
  readonly mappingIndices: ReadonlyArray<readonly [string, Tensor]> | null;
  readonly mappingMasks: ReadonlyArray<readonly [string, Tensor]> | null;
  /** Other JSON files by name (training.json, gradiend_context.json). */
  readonly jsonFiles: ReadonlyArray<readonly [string, string]>;
}

const int = (n: number): JsonNumber => new JsonNumber(String(n));

/**
 * The reference's save_pretrained layout: weights under the state-dict names, per parameter the
 * representation `all` / `indices` (when k·bytes_per_index < 0.8·numel) / `mask`, mapping tensors
 * keyed `L<i>`, and a config.json whose keys come in the reference's order.
 */
export function planCheckpoint(model: GradiendModel, options: SaveOptions = {}): CheckpointPlan {
  const arch = model.architecture;
  const w = model.weights;
  const weights: Array<readonly [string, Tensor]> = [
    [WEIGHT_NAMES.encoderWeight, w.encoderWeight],
    [WEIGHT_NAMES.encoderBias, w.encoderBias],
  ];
  if (w.encoderNorm) {
    weights.push(
      [WEIGHT_NAMES.layerNormWeight, w.encoderNorm.weight],
      [WEIGHT_NAMES.layerNormBias, w.encoderNorm.bias],
    );
  }
  weights.push([WEIGHT_NAMES.decoderWeight, w.decoderWeight]);
  if (w.decoderBias) weights.push([WEIGHT_NAMES.decoderBias, w.decoderBias]);

  const indices: Array<readonly [string, Tensor]> = [];
  const masks: Array<readonly [string, Tensor]> = [];
  const entries: JsonObject[] = model.paramMap.entries.map((e, i) => {
    // Runtime entries already carry the representation the reference would choose at save time.
    const entry = new JsonObject([
      ['name', e.name],
      ['shape', e.shape.map(int)],
      ['repr', e.repr],
    ]);
    const key = `L${i}`;
    if (e.repr === 'indices') {
      entry.set('key', key);
      const positions = e.selectedPositions();
      const data =
        e.numel <= INT32_INDEX_LIMIT
          ? positions instanceof Int32Array
            ? positions
            : Int32Array.from(positions)
          : BigInt64Array.from(positions, (v) => BigInt(v));
      indices.push([
        key,
        { dtype: data instanceof Int32Array ? 'I32' : 'I64', shape: [positions.length], data },
      ]);
    } else if (e.repr === 'mask') {
      entry.set('key', key);
      masks.push([key, { dtype: 'U8', shape: e.shape, data: e.mask as Uint8Array }]);
    }
    entry.set('num_selected', int(e.numSelected));
    return entry;
  });
  const reprs = [...new Set(model.paramMap.entries.map((e) => e.repr))];
  const mode = reprs.length === 1 ? (reprs[0] as string) : 'mixed';
  const mapping = new JsonObject([
    ['mode', mode],
    ['param_map', entries],
  ]);
  if (indices.length) mapping.set('indices_file', `${MAPPING_STEMS.indices}.safetensors`);
  if (masks.length) mapping.set('masks_file', `${MAPPING_STEMS.masks}.safetensors`);

  const metadata = new JsonObject(model.metadataJson.entries());
  const trainingFromMetadata = metadata.get('training');
  metadata.delete('training');
  const config = new JsonObject([
    ['format_version', int(0)],
    [
      'architecture',
      new JsonObject([
        ['input_dim', int(arch.inputDim)],
        ['latent_dim', int(arch.latentDim)],
        ['activation_encoder', arch.activationEncoder],
        ['activation_decoder', arch.activationDecoder],
        ['bias_decoder', arch.biasDecoder],
        ['torch_dtype', arch.dtype],
      ]),
    ],
    ['mapping', mapping],
    ['metadata', metadata],
  ]);

  const jsonFiles: Array<readonly [string, string]> = [];
  const training: JsonValue | undefined =
    options.training !== undefined ? fromPlain(options.training) : trainingFromMetadata;
  if (training !== undefined && training !== null)
    jsonFiles.push([TRAINING_FILE, stringifyPythonJson(training)]);
  if (options.gradiendContext !== undefined && options.gradiendContext !== null) {
    jsonFiles.push([CONTEXT_FILE, stringifyPythonJson(fromPlain(options.gradiendContext))]);
  }
  return {
    config: stringifyPythonJson(config),
    weights,
    mappingIndices: indices.length ? indices : null,
    mappingMasks: masks.length ? masks : null,
    jsonFiles,
  };
}

export const SAVED_WEIGHTS_FILE = WEIGHT_FILES.safetensors;
