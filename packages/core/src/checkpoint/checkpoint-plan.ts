import { JsonNumber, JsonObject, fromPlain } from '../json/index.js';
import type { JsonValue } from '../json/index.js';
import { stringifyPythonJson } from '../json/python-json.js';
import { INT32_INDEX_LIMIT } from '../mapping/representation.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import { hasEncoderBias, stateDictOf } from '../model/weight-layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { CONTEXT_FILE, MAPPING_STEMS, TRAINING_FILE, WEIGHT_FILES } from './state-dict-names.js';

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
 * keyed `L<i>`, and a config.json whose keys come in the reference's order (for a loaded model: in
 * the loaded file's order, see configDocument).
 */
export function planCheckpoint(model: GradiendModel, options: SaveOptions = {}): CheckpointPlan {
  const weights = stateDictOf(model.weights);

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
  const config = configDocument(model, mapping, metadata);

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

/** The keys the reference writes, in its order (newer versions add bias_encoder, see configDocument). */
const ARCHITECTURE_KEYS = [
  'input_dim',
  'latent_dim',
  'activation_encoder',
  'activation_decoder',
  'bias_encoder',
  'bias_decoder',
  'torch_dtype',
];
const TOP_LEVEL_KEYS = ['format_version', 'architecture', 'mapping', 'metadata'];

/**
 * `values` laid over `loaded` (config.json as read, or nothing): keys of `loaded` keep their place
 * (with the new value when `values` has one, else their own: keys this version does not
 * interpret), keys only in `values` go right after their predecessor in `order`.
 */
function overlay(
  loaded: JsonObject | null,
  values: ReadonlyMap<string, JsonValue>,
  order: readonly string[],
): JsonObject {
  const out: Array<[string, JsonValue]> = [];
  for (const [key, value] of loaded?.entries() ?? []) {
    const replaced = values.get(key);
    if (replaced !== undefined) out.push([key, replaced]);
    else if (!order.includes(key)) out.push([key, value]);
  }
  for (const [key, value] of values) {
    if (out.some(([k]) => k === key)) continue;
    const before = new Set(order.slice(0, order.indexOf(key)));
    let at = 0;
    out.forEach(([k], i) => {
      if (before.has(k)) at = i + 1;
    });
    out.splice(at, 0, [key, value]);
  }
  return new JsonObject(out);
}

/**
 * config.json for `model`: the reference's layout, or — for a loaded model — the loaded file's own
 * layout, so keys a newer library version wrote (`bias_encoder`, `init_fan_in_floor`, `components`,
 * `component_split_mode`) come back unchanged and in place. `bias_encoder` is written when the
 * loaded file had it or when it is false (older versions have no such key and always a bias).
 */
function configDocument(model: GradiendModel, mapping: JsonObject, metadata: JsonObject): JsonObject {
  const arch = model.architecture;
  const loaded = model.configJson;
  const loadedArch = loaded?.get('architecture');
  const loadedArchObject = loadedArch instanceof JsonObject ? loadedArch : null;
  const archValues = new Map<string, JsonValue>([
    ['input_dim', int(arch.inputDim)],
    ['latent_dim', int(arch.latentDim)],
    ['activation_encoder', arch.activationEncoder],
    ['activation_decoder', arch.activationDecoder],
  ]);
  if (loadedArchObject?.has('bias_encoder') || !hasEncoderBias(arch))
    archValues.set('bias_encoder', hasEncoderBias(arch));
  archValues.set('bias_decoder', arch.biasDecoder);
  archValues.set('torch_dtype', arch.dtype);

  const values = new Map<string, JsonValue>([
    ['format_version', int(0)],
    ['architecture', overlay(loadedArchObject, archValues, ARCHITECTURE_KEYS)],
    ['mapping', mapping],
    ['metadata', metadata],
  ]);
  // Newer versions keep component slices over the input space; a prune resets them to one full
  // span (only written when the model is split at all, else null), as their prune does.
  const components = loaded?.get('components');
  const loadedInputDim = loadedArchObject?.get('input_dim');
  const pruned = !(loadedInputDim instanceof JsonNumber && loadedInputDim.value === arch.inputDim);
  if (Array.isArray(components) && components.length > 0 && pruned) {
    values.set('components', [
      new JsonObject([
        ['id', 'full'],
        ['start', int(0)],
        ['end', int(arch.inputDim)],
      ]),
    ]);
  }
  return overlay(loaded, values, TOP_LEVEL_KEYS);
}
