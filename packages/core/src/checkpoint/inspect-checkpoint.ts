import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CheckpointError } from '../errors.js';
import { toPlain } from '../json/index.js';
import { ParamMap } from '../mapping/param-map.js';
import type { ParamRepr, ParamSelectionSpec } from '../mapping/types.js';
import type { GradiendArchitecture } from '../model/types.js';
import { readSafetensorsHeaderFromFile } from '../safetensors/node.js';
import type { DType } from '../tensor/dtype.js';
import { toFloat64 } from '../tensor/convert.js';
import type { Tensor } from '../tensor/tensor.js';
import { CONFIG_FILE, parseCheckpointConfig } from './checkpoint-config.js';
import type { MappingConfig, MappingEntryConfig } from './checkpoint-config.js';
import { readTensorFile, resolveWeightsDirectory } from './load-checkpoint.js';
import { WEIGHT_FILES } from './state-dict-names.js';

export interface InspectedParam {
  readonly name: string;
  readonly shape: readonly number[];
  /** In-memory representation after load (the reference's normalisation, may differ from config.json). */
  readonly repr: ParamRepr;
  /** Representation as written in config.json. */
  readonly savedRepr: ParamRepr;
  readonly numel: number;
  readonly selected: number;
}

export interface InspectedWeight {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: number;
}

export interface CheckpointInspection {
  /** The folder holding config.json. */
  readonly directory: string;
  /** The folder holding the weights (the nested `model/` folder when they live there). */
  readonly weightsDirectory: string;
  readonly weightsFile: string;
  readonly architecture: GradiendArchitecture;
  readonly mappingMode: string | null;
  readonly params: readonly InspectedParam[];
  readonly selectedTotal: number;
  readonly unprunedLength: number;
  readonly paramMapHash: string;
  /** Weight tensors from the safetensors header; null for pytorch_model.bin (no cheap header). */
  readonly weights: readonly InspectedWeight[] | null;
  /** Every regular file of the checkpoint folder (and of the weights folder when nested). */
  readonly files: readonly { readonly name: string; readonly bytes: number }[];
  readonly metadata: unknown;
  /** Inconsistencies found (selected total ≠ input_dim, weight shapes); empty when none. */
  readonly problems: readonly string[];
}

/**
 * What a checkpoint holds, from config.json, the safetensors header and the mapping tensors only:
 * the weights are never read, so this stays cheap for checkpoints of any size.
 */
export async function inspectCheckpoint(dir: string): Promise<CheckpointInspection> {
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat?.isDirectory()) throw new CheckpointError(`checkpoint folder not found: ${dir}`);
  const { weightsDir, weightsFile } = await resolveWeightsDirectory(dir);
  const configDir = (await isFile(path.join(dir, CONFIG_FILE))) ? dir : weightsDir;
  let configText: string;
  try {
    configText = await readFile(path.join(configDir, CONFIG_FILE), 'utf8');
  } catch {
    throw new CheckpointError(`config.json not found in ${dir}`, CONFIG_FILE);
  }
  const config = parseCheckpointConfig(configText);
  const { architecture, mapping } = config;

  const indices = mapping.indicesFile ? await readTensorFile(inside(configDir, mapping.indicesFile)) : null;
  const masks = mapping.masksFile ? await readTensorFile(inside(configDir, mapping.masksFile)) : null;
  const paramMap = ParamMap.fromSpecs(mapping.entries.map((e) => selectionSpec(e, mapping, indices, masks)));

  const problems: string[] = [];
  if (paramMap.selectedTotal !== architecture.inputDim) {
    problems.push(
      `param map selects ${paramMap.selectedTotal} entries in total but input_dim is ${architecture.inputDim}`,
    );
  }
  let weights: InspectedWeight[] | null = null;
  if (weightsFile === WEIGHT_FILES.safetensors) {
    const header = await readSafetensorsHeaderFromFile(path.join(weightsDir, weightsFile));
    weights = header.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      bytes: t.byteLength,
    }));
    problems.push(...weightShapeProblems(architecture, weights));
  }

  return {
    directory: configDir,
    weightsDirectory: weightsDir,
    weightsFile,
    architecture,
    mappingMode: mapping.mode,
    params: paramMap.entries.map((e, i) => ({
      name: e.name,
      shape: e.shape,
      repr: e.repr,
      savedRepr: mapping.entries[i]?.repr ?? e.repr,
      numel: e.numel,
      selected: e.numSelected,
    })),
    selectedTotal: paramMap.selectedTotal,
    unprunedLength: paramMap.unprunedLength,
    paramMapHash: paramMap.hash(),
    weights,
    files: await listFiles(configDir, weightsDir),
    metadata: toPlain(config.metadata),
    problems,
  };
}

async function isFile(p: string): Promise<boolean> {
  const s = await stat(p).catch(() => null);
  return s?.isFile() ?? false;
}

function inside(dir: string, name: string): string {
  const p = path.resolve(dir, name);
  if (path.dirname(p) !== path.resolve(dir)) {
    throw new CheckpointError(`config.json: mapping file '${name}' must be inside the checkpoint folder`);
  }
  return p;
}

function selectionSpec(
  e: MappingEntryConfig,
  mapping: MappingConfig,
  indices: ReadonlyMap<string, Tensor> | null,
  masks: ReadonlyMap<string, Tensor> | null,
): ParamSelectionSpec {
  if (e.repr === 'all') return { name: e.name, shape: e.shape, repr: 'all' };
  const file = e.repr === 'mask' ? mapping.masksFile : mapping.indicesFile;
  const tensors = e.repr === 'mask' ? masks : indices;
  const t = e.key === null ? undefined : tensors?.get(e.key);
  if (!t) {
    throw new CheckpointError(
      `${file ?? 'mapping file'}: tensor '${e.key}' for param '${e.name}' is missing`,
      file ?? undefined,
    );
  }
  if (e.repr === 'mask') {
    const mask = t.dtype === 'U8' || t.dtype === 'BOOL' ? (t.data as Uint8Array) : null;
    if (!mask) throw new CheckpointError(`${file}: mask '${e.key}' must be U8 or BOOL, got ${t.dtype}`);
    return { name: e.name, shape: e.shape, repr: 'mask', mask };
  }
  return {
    name: e.name,
    shape: e.shape,
    repr: 'indices',
    indices: t.dtype === 'I32' ? (t.data as Int32Array) : toFloat64(t),
  };
}

function weightShapeProblems(arch: GradiendArchitecture, weights: readonly InspectedWeight[]): string[] {
  const { inputDim: n, latentDim: l } = arch;
  const expected: Record<string, readonly number[]> = {
    'encoder.0.linear.weight': [l, n],
    'encoder.0.linear.bias': [l],
    'decoder.0.linear.weight': [n, l],
  };
  if (arch.biasDecoder) expected['decoder.0.linear.bias'] = [n];
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(expected)) {
    const w = weights.find((t) => t.name === name);
    if (!w) problems.push(`weight '${name}' is missing`);
    else if (w.shape.join(',') !== shape.join(',')) {
      problems.push(`weight '${name}' has shape [${w.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  return problems;
}

async function listFiles(configDir: string, weightsDir: string): Promise<{ name: string; bytes: number }[]> {
  const out: { name: string; bytes: number }[] = [];
  for (const d of new Set([configDir, weightsDir])) {
    const prefix = path.relative(configDir, d);
    for (const name of (await readdir(d)).sort()) {
      const s = await stat(path.join(d, name)).catch(() => null);
      if (s?.isFile()) out.push({ name: prefix ? path.join(prefix, name) : name, bytes: s.size });
    }
  }
  return out;
}
