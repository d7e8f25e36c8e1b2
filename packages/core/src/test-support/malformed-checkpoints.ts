// Broken copies of reference checkpoints, one per rule a checkpoint can break. Core and API tests
// both run every case (through @gradiend/core/testing), so each rule is checked on every path.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSafetensorsBuffer, serializeSafetensors } from '../safetensors/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { FIXTURES_DIR } from './fixtures.js';

export interface MalformedCheckpoint {
  readonly name: string;
  /** The reference case whose model/ folder is copied and broken. */
  readonly fixture: string;
  readonly breakIt: (dir: string) => Promise<void>;
  /** The error code and message the rejection must carry (so a case tests what its name says). */
  readonly code: string;
  readonly message: RegExp;
}

type JsonPath = ReadonlyArray<string | number>;

/** Sets (or with `undefined`, deletes) a value inside config.json. */
function editConfig(at: JsonPath, value: unknown): (dir: string) => Promise<void> {
  return async (dir) => {
    const file = path.join(dir, 'config.json');
    const doc: unknown = JSON.parse(await readFile(file, 'utf8'));
    let node = doc as Record<string | number, unknown>;
    for (const key of at.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
    const last = at[at.length - 1] as string | number;
    if (value === undefined) delete node[last];
    else node[last] = value;
    await writeFile(file, JSON.stringify(doc, null, 2));
  };
}

/** Rewrites the tensors of one safetensors file of the folder. */
function editTensors(
  file: string,
  edit: (tensors: Map<string, Tensor>) => void,
): (dir: string) => Promise<void> {
  return async (dir) => {
    const p = path.join(dir, file);
    const tensors = new Map(readSafetensorsBuffer(new Uint8Array(await readFile(p))).tensors());
    edit(tensors);
    await writeFile(p, serializeSafetensors(tensors));
  };
}

function get(tensors: Map<string, Tensor>, name: string): Tensor {
  const t = tensors.get(name);
  if (!t) throw new Error(`fixture has no tensor ${name}`);
  return t;
}

const both =
  (...steps: Array<(dir: string) => Promise<void>>) =>
  async (dir: string): Promise<void> => {
    for (const step of steps) await step(dir);
  };

const truncate =
  (file: string, bytes: number) =>
  async (dir: string): Promise<void> => {
    const p = path.join(dir, file);
    const data = await readFile(p);
    await writeFile(p, data.subarray(0, data.length - bytes));
  };

const put =
  (file: string, text: string | Uint8Array) =>
  async (dir: string): Promise<void> =>
    writeFile(path.join(dir, file), text);

const remove =
  (file: string) =>
  async (dir: string): Promise<void> =>
    rm(path.join(dir, file));

const CHECKPOINT = 'GRADIEND_ERR_CHECKPOINT';
const MAPPING = 'GRADIEND_ERR_MAPPING';
const SAFETENSORS = 'GRADIEND_ERR_SAFETENSORS_FORMAT';
const WEIGHTS = 'model.safetensors';
const INDICES = 'mapping_indices.safetensors';
const MASKS = 'mapping_masks.safetensors';

export const MALFORMED_CHECKPOINTS: readonly MalformedCheckpoint[] = [
  // config.json
  {
    name: 'config.json that is not JSON',
    fixture: 'two-layer-all',
    breakIt: put('config.json', '{"architecture": '),
    code: CHECKPOINT,
    message: /^config\.json: not valid JSON/,
  },
  {
    name: 'format_version 1',
    fixture: 'two-layer-all',
    breakIt: editConfig(['format_version'], 1),
    code: CHECKPOINT,
    message: /unsupported format_version 1/,
  },
  {
    name: 'an unknown activation',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'activation_decoder'], 'swish'),
    code: CHECKPOINT,
    message: /unsupported activation 'swish'/,
  },
  {
    name: 'an unknown torch_dtype',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'torch_dtype'], 'int8'),
    code: CHECKPOINT,
    message: /torch_dtype 'int8'/,
  },
  {
    name: 'bias_decoder that is not a boolean',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'bias_decoder'], 'yes'),
    code: CHECKPOINT,
    message: /bias_decoder must be true or false/,
  },
  {
    name: 'bias_encoder that is not a boolean',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'bias_encoder'], 1),
    code: CHECKPOINT,
    message: /bias_encoder must be true or false/,
  },
  {
    name: 'no mapping',
    fixture: 'two-layer-all',
    breakIt: editConfig(['mapping'], undefined),
    code: CHECKPOINT,
    message: /missing 'mapping'/,
  },
  {
    name: 'a negative parameter shape',
    fixture: 'two-layer-all',
    breakIt: editConfig(['mapping', 'param_map', 0, 'shape'], [-10, 5]),
    code: CHECKPOINT,
    message: /shape\[0\] must be an integer/,
  },
  {
    name: 'input_dim disagreeing with the weights',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'input_dim'], 61),
    code: CHECKPOINT,
    message:
      /^model\.safetensors: weight 'encoder\.0\.linear\.weight' has shape \[1, 60\], expected \[1, 61\]$/,
  },
  {
    name: 'a param map selecting more than input_dim',
    fixture: 'two-layer-all',
    breakIt: editConfig(['mapping', 'param_map', 0, 'shape'], [10, 6]),
    code: MAPPING,
    message: /^param map selects 70 entries in total but input_dim is 60$/,
  },
  // mapping files
  {
    name: 'an indices_file outside the folder',
    fixture: 'mixed-latent3',
    breakIt: editConfig(['mapping', 'indices_file'], '../../etc/passwd'),
    code: CHECKPOINT,
    message: /indices_file '\.\.\/\.\.\/etc\/passwd' must be a file name inside the checkpoint folder/,
  },
  {
    name: 'a masks_file that is not there',
    fixture: 'mixed-latent3',
    breakIt: remove(MASKS),
    code: CHECKPOINT,
    message: /masks_file 'mapping_masks\.safetensors' is not in the checkpoint folder/,
  },
  {
    name: 'a key naming no mapping tensor',
    fixture: 'mixed-latent3',
    breakIt: editConfig(['mapping', 'param_map', 2, 'key'], 'L9'),
    code: CHECKPOINT,
    message: /tensor 'L9' for param 'enc\.layer\.0\.ffn\.weight' is missing/,
  },
  {
    name: 'repr mask without a masks_file',
    fixture: 'mixed-latent3',
    breakIt: editConfig(['mapping', 'masks_file'], undefined),
    code: CHECKPOINT,
    message: /uses repr 'mask' but mapping\.masks_file is not set/,
  },
  {
    name: 'an index out of range',
    fixture: 'mixed-latent3',
    breakIt: editConfig(['mapping', 'param_map', 2, 'shape'], [2, 2]),
    code: MAPPING,
    message: /param 'enc\.layer\.0\.ffn\.weight': index \d+ at position \d+ is out of range \[0, 4\)/,
  },
  {
    name: 'float indices',
    fixture: 'mixed-latent3',
    breakIt: editTensors(INDICES, (t) => {
      const l2 = get(t, 'L2');
      t.set('L2', { dtype: 'F32', shape: l2.shape, data: Float32Array.from(l2.data as Int32Array) });
    }),
    code: CHECKPOINT,
    message: /indices 'L2' for param 'enc\.layer\.0\.ffn\.weight' must be integers, got F32/,
  },
  {
    name: '2-D indices',
    fixture: 'mixed-latent3',
    breakIt: editTensors(INDICES, (t) => {
      const l2 = get(t, 'L2');
      t.set('L2', { ...l2, shape: [2, 3] });
    }),
    code: CHECKPOINT,
    message: /indices 'L2' must be 1-D, got shape \[2, 3\]/,
  },
  {
    name: 'a float mask',
    fixture: 'mixed-latent3',
    breakIt: editTensors(MASKS, (t) => {
      const l0 = get(t, 'L0');
      t.set('L0', { dtype: 'F32', shape: l0.shape, data: Float32Array.from(l0.data as Uint8Array) });
    }),
    code: CHECKPOINT,
    message: /mask 'L0' for param 'enc\.embed\.weight' must be U8 or BOOL, got F32/,
  },
  {
    name: 'a mask of the wrong size',
    fixture: 'mixed-latent3',
    breakIt: editTensors(MASKS, (t) => {
      const l0 = get(t, 'L0');
      t.set('L0', { dtype: 'U8', shape: [100], data: (l0.data as Uint8Array).slice(0, 100) });
    }),
    code: CHECKPOINT,
    message: /mask 'L0' has shape \[100\] but param 'enc\.embed\.weight' has shape \[12, 9\]/,
  },
  {
    name: 'a truncated mapping file',
    fixture: 'mixed-latent3',
    breakIt: truncate(INDICES, 4),
    code: SAFETENSORS,
    message: /./,
  },
  // weights
  {
    name: 'a truncated weights file',
    fixture: 'two-layer-all',
    breakIt: truncate(WEIGHTS, 4),
    code: SAFETENSORS,
    message: /./,
  },
  {
    name: 'a weights header that is not JSON',
    fixture: 'two-layer-all',
    breakIt: put(
      WEIGHTS,
      Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, ...new TextEncoder().encode('{"a": [1,')]),
    ),
    code: SAFETENSORS,
    message: /./,
  },
  {
    name: 'a missing decoder bias',
    fixture: 'two-layer-all',
    breakIt: editTensors(WEIGHTS, (t) => t.delete('decoder.0.linear.bias')),
    code: CHECKPOINT,
    message: /^model\.safetensors: weight 'decoder\.0\.linear\.bias' is missing \(bias_decoder is true\)$/,
  },
  {
    name: 'an integer weight',
    fixture: 'two-layer-all',
    breakIt: editTensors(WEIGHTS, (t) => {
      const w = get(t, 'encoder.0.linear.weight');
      t.set('encoder.0.linear.weight', { dtype: 'I32', shape: w.shape, data: new Int32Array(60) });
    }),
    code: CHECKPOINT,
    message: /weight 'encoder\.0\.linear\.weight' has non-float dtype I32/,
  },
  {
    name: 'a decoder weight of the wrong shape',
    fixture: 'two-layer-all',
    breakIt: editTensors(WEIGHTS, (t) => {
      const w = get(t, 'decoder.0.linear.weight');
      t.set('decoder.0.linear.weight', { ...w, shape: [1, 60] });
    }),
    code: CHECKPOINT,
    message: /weight 'decoder\.0\.linear\.weight' has shape \[1, 60\], expected \[60, 1\]/,
  },
  {
    name: 'an unknown weight',
    fixture: 'two-layer-all',
    breakIt: editTensors(WEIGHTS, (t) =>
      t.set('extra.weight', { dtype: 'F32', shape: [2], data: new Float32Array(2) }),
    ),
    code: CHECKPOINT,
    message: /^model\.safetensors: unexpected weight 'extra\.weight'$/,
  },
  {
    name: 'LayerNorm weights with a tanh encoder',
    fixture: 'layernorm-nobias',
    breakIt: editConfig(['architecture', 'activation_encoder'], 'tanh'),
    code: CHECKPOINT,
    message:
      /unexpected weight 'encoder\.1\.(bias|weight)' \(only encoder activation 'id' has LayerNorm\(1\) weights/,
  },
  {
    name: 'an id encoder without its LayerNorm weights',
    fixture: 'layernorm-nobias',
    breakIt: editTensors(WEIGHTS, (t) => {
      t.delete('encoder.1.weight');
      t.delete('encoder.1.bias');
    }),
    code: CHECKPOINT,
    message: /weight 'encoder\.1\.weight' is missing \(encoder activation 'id' is LayerNorm\(1\)/,
  },
  {
    name: 'an encoder bias although bias_encoder is false',
    fixture: 'two-layer-all',
    breakIt: editConfig(['architecture', 'bias_encoder'], false),
    code: CHECKPOINT,
    message: /unexpected weight 'encoder\.0\.linear\.bias' \(bias_encoder is false\)/,
  },
  {
    name: 'bias_encoder true without an encoder bias',
    fixture: 'two-layer-all',
    breakIt: both(
      editConfig(['architecture', 'bias_encoder'], true),
      editTensors(WEIGHTS, (t) => t.delete('encoder.0.linear.bias')),
    ),
    code: CHECKPOINT,
    message: /weight 'encoder\.0\.linear\.bias' is missing \(bias_encoder is true\)/,
  },
  // side files and the folder
  {
    name: 'training.json that is not JSON',
    fixture: 'two-layer-all',
    breakIt: put('training.json', '{"loss": [1, 2'),
    code: CHECKPOINT,
    message: /^training\.json: not valid JSON/,
  },
  {
    name: 'gradiend_context.json that is not JSON',
    fixture: 'two-layer-all',
    breakIt: put('gradiend_context.json', 'nope'),
    code: CHECKPOINT,
    message: /^gradiend_context\.json: not valid JSON/,
  },
  {
    name: 'no config.json',
    fixture: 'two-layer-all',
    breakIt: remove('config.json'),
    code: CHECKPOINT,
    message: /^config\.json not found in the checkpoint folder$/,
  },
  {
    name: 'no weights',
    fixture: 'two-layer-all',
    breakIt: remove(WEIGHTS),
    code: CHECKPOINT,
    message: /^No model weights found/,
  },
];

/** A fresh folder under `parent` holding the broken copy of `c.fixture`'s model. */
export async function malformedCopy(c: MalformedCheckpoint, parent: string): Promise<string> {
  const dir = await mkdtemp(path.join(parent, 'malformed-'));
  await cp(path.join(FIXTURES_DIR, c.fixture, 'model'), dir, { recursive: true });
  await c.breakIt(dir);
  return dir;
}

/** What must agree between two rejections of one checkpoint: class, code, message and problem fields. */
export function rejectionFacts(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { notAnError: String(error) };
  const fields = error as unknown as Record<string, unknown>;
  return {
    name: error.name,
    code: fields.code,
    message: error.message,
    file: fields.file,
    param: fields.param,
    rule: fields.rule,
    tensor: fields.tensor,
  };
}
