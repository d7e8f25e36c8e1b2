import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { toPlain } from '../json/index.js';
import type { ParamRepr } from '../mapping/types.js';
import type { GradiendArchitecture } from '../model/types.js';
import type { DType } from '../tensor/dtype.js';
import type { CheckpointProblem } from './checkpoint-rules.js';
import { readCheckpoint } from './checkpoint-reader.js';

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
  /** training.json, parsed (null when absent). */
  readonly training: unknown;
  /** gradiend_context.json, parsed (null when absent). */
  readonly gradiendContext: unknown;
  /**
   * The rules the checkpoint breaks, in the order loadCheckpoint checks them: loading it would throw
   * `problems[0]`. Empty when none. (Broken files — config, headers, mapping — throw right away.)
   */
  readonly problems: readonly CheckpointProblem[];
}

/**
 * What a checkpoint holds, from config.json, the safetensors header and the mapping tensors only:
 * the weights are never read, so this stays cheap for checkpoints of any size. Applies the same
 * rules as loadCheckpoint (see readCheckpoint).
 */
export async function inspectCheckpoint(dir: string): Promise<CheckpointInspection> {
  const read = await readCheckpoint(dir, { weights: 'headers' });
  const { location, paramMap } = read;
  const saved = location.config.mapping.entries;
  return {
    directory: location.directory,
    weightsDirectory: location.weightsDirectory,
    weightsFile: location.weightsFile,
    architecture: read.architecture,
    mappingMode: location.config.mapping.mode,
    params: paramMap.entries.map((e, i) => ({
      name: e.name,
      shape: e.shape,
      repr: e.repr,
      savedRepr: saved[i]?.repr ?? e.repr,
      numel: e.numel,
      selected: e.numSelected,
    })),
    selectedTotal: paramMap.selectedTotal,
    unprunedLength: paramMap.unprunedLength,
    paramMapHash: paramMap.hash(),
    weights: read.weights,
    files: await listFiles(location.directory, location.weightsDirectory),
    metadata: toPlain(location.config.metadata),
    training: read.training === null ? null : toPlain(read.training),
    gradiendContext: read.gradiendContext === null ? null : toPlain(read.gradiendContext),
    problems: read.problems,
  };
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
