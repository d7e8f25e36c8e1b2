import { CheckpointError } from '../errors.js';
import { JsonNumber, JsonObject, parseJson, toPlain } from '../json/index.js';
import type { JsonValue } from '../json/index.js';
import { isActivationName } from '../model/activation.js';
import type { ActivationName } from '../model/activation.js';
import type { GradiendArchitecture } from '../model/types.js';
import { PARAM_REPRS, type ParamRepr } from '../mapping/types.js';
import { isModelDType } from '../tensor/dtype.js';

export const CONFIG_FILE = 'config.json';

function isParamRepr(value: string): value is ParamRepr {
  return (PARAM_REPRS as readonly string[]).includes(value);
}

/** One `mapping.param_map` entry of config.json. */
export interface MappingEntryConfig {
  readonly name: string;
  readonly shape: readonly number[];
  readonly repr: ParamRepr;
  /** Tensor name in the mapping file (repr mask/indices). */
  readonly key: string | null;
  readonly numSelected: number | null;
}

export interface MappingConfig {
  readonly mode: string | null;
  readonly entries: readonly MappingEntryConfig[];
  readonly indicesFile: string | null;
  readonly masksFile: string | null;
}

export interface CheckpointConfig {
  readonly architecture: GradiendArchitecture;
  readonly mapping: MappingConfig;
  /** `metadata` exactly as written (order and number literals kept). */
  readonly metadata: JsonObject;
  /** The whole document, for fields we don't interpret. */
  readonly document: JsonObject;
}

function bad(message: string): never {
  throw new CheckpointError(`config.json: ${message}`, CONFIG_FILE);
}

function field(obj: JsonObject, key: string, where: string): JsonValue {
  const v = obj.get(key);
  if (v === undefined) bad(`${where}.${key} is missing`);
  return v;
}

function asObject(v: JsonValue | undefined, where: string): JsonObject {
  if (!(v instanceof JsonObject)) bad(`${where} must be an object`);
  return v;
}

function asInt(v: JsonValue | undefined, where: string, min = 0): number {
  if (!(v instanceof JsonNumber) || !v.isInteger || !Number.isSafeInteger(v.value) || v.value < min) {
    bad(`${where} must be an integer ≥ ${min}, got ${describe(v)}`);
  }
  return v.value;
}

function asString(v: JsonValue | undefined, where: string): string {
  if (typeof v !== 'string') bad(`${where} must be a string, got ${describe(v)}`);
  return v;
}

function describe(v: JsonValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof JsonNumber) return v.text;
  return JSON.stringify(toPlain(v));
}

function parseActivation(v: JsonValue | undefined, where: string, fallback: ActivationName): ActivationName {
  if (v === undefined) return fallback;
  const name = asString(v, where);
  if (!isActivationName(name)) bad(`${where}: unsupported activation '${name}'`);
  return name;
}

function parseArchitecture(arch: JsonObject): GradiendArchitecture {
  const w = 'architecture';
  // The reference lower-cases the encoder's activation but not the decoder's; an empty decoder
  // activation means "same as the encoder".
  const enc = arch.get('activation_encoder');
  const activationEncoder = parseActivation(
    typeof enc === 'string' ? enc.toLowerCase() : enc,
    `${w}.activation_encoder`,
    'tanh',
  );
  const dec = arch.get('activation_decoder');
  const activationDecoder =
    dec === '' || dec === null ? activationEncoder : parseActivation(dec, `${w}.activation_decoder`, 'id');
  const biasDecoder = arch.get('bias_decoder') ?? true;
  if (typeof biasDecoder !== 'boolean') bad(`${w}.bias_decoder must be true or false`);
  // Written by newer library versions; when absent the state dict decides (see resolveEncoderBias).
  const biasEncoder = arch.get('bias_encoder');
  if (biasEncoder !== undefined && typeof biasEncoder !== 'boolean')
    bad(`${w}.bias_encoder must be true or false`);
  const dtype = arch.has('torch_dtype') ? asString(arch.get('torch_dtype'), `${w}.torch_dtype`) : 'float32';
  if (!isModelDType(dtype))
    bad(`${w}.torch_dtype '${dtype}' is not one of float32, float64, float16, bfloat16`);
  return {
    inputDim: asInt(field(arch, 'input_dim', w), `${w}.input_dim`, 1),
    latentDim: asInt(field(arch, 'latent_dim', w), `${w}.latent_dim`, 1),
    activationEncoder,
    activationDecoder,
    biasDecoder,
    ...(biasEncoder !== undefined ? { biasEncoder } : {}),
    dtype,
  };
}

function parseMapping(mapping: JsonObject): MappingConfig {
  const list = field(mapping, 'param_map', 'mapping');
  if (!Array.isArray(list)) bad('mapping.param_map must be a list');
  const entries = list.map((item, i): MappingEntryConfig => {
    const where = `mapping.param_map[${i}]`;
    const e = asObject(item, where);
    const name = asString(field(e, 'name', where), `${where}.name`);
    const shapeV = field(e, 'shape', where);
    if (!Array.isArray(shapeV)) bad(`${where}.shape must be a list`);
    const shape = shapeV.map((d, j) => asInt(d, `${where}.shape[${j}]`));
    const repr = asString(field(e, 'repr', where), `${where}.repr`);
    if (!isParamRepr(repr)) bad(`${where}.repr '${repr}' is not ${PARAM_REPRS.join(', ')}`);
    const key = repr === 'all' ? null : asString(field(e, 'key', where), `${where}.key`);
    const numSelected = e.has('num_selected') ? asInt(e.get('num_selected'), `${where}.num_selected`) : null;
    return { name, shape, repr, key, numSelected };
  });
  const optionalFile = (k: string): string | null =>
    mapping.has(k) ? asString(mapping.get(k), `mapping.${k}`) : null;
  const mode = mapping.get('mode');
  return {
    mode: typeof mode === 'string' ? mode : null,
    entries,
    indicesFile: optionalFile('indices_file'),
    masksFile: optionalFile('masks_file'),
  };
}

/** Parses and validates config.json (format_version 0). */
export function parseCheckpointConfig(text: string): CheckpointConfig {
  let doc: JsonValue;
  try {
    doc = parseJson(text);
  } catch (e) {
    bad(`not valid JSON (${(e as Error).message})`);
  }
  const root = asObject(doc, 'the document');
  const version = root.get('format_version');
  if (version !== undefined && !(version instanceof JsonNumber && version.text === '0')) {
    bad(`unsupported format_version ${describe(version)} (expected 0)`);
  }
  const architecture = parseArchitecture(asObject(root.get('architecture'), 'architecture'));
  const mappingV = root.get('mapping');
  if (mappingV === undefined || mappingV === null)
    bad("missing 'mapping' (not a ParamMappedGradiendModel checkpoint)");
  const metadataV = root.get('metadata');
  const metadata =
    metadataV === undefined || metadataV === null ? new JsonObject() : asObject(metadataV, 'metadata');
  return { architecture, mapping: parseMapping(asObject(mappingV, 'mapping')), metadata, document: root };
}
