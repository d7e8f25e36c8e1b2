import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RewriteError } from '../errors.js';
import { readSafetensorsHeaderFromFile } from '../safetensors/read-header-file.js';
import type { SafetensorsHeader, SafetensorsTensorInfo } from '../safetensors/types.js';

/** The Hugging Face names of a base model's weights: one file, or shards listed by an index. */
export const BASE_WEIGHTS_FILE = 'model.safetensors';
export const BASE_INDEX_FILE = 'model.safetensors.index.json';

export interface BaseModelShard {
  /** File name inside the base folder (the file's own name for a single-file base). */
  readonly file: string;
  readonly path: string;
  readonly header: SafetensorsHeader;
}

export interface BaseTensor {
  readonly shard: number;
  readonly info: SafetensorsTensorInfo;
}

/** A base model's safetensors, headers read, no tensor data. */
export interface BaseModelFiles {
  /** 'file': a single .safetensors file; 'folder': a folder with model.safetensors or shards + index. */
  readonly kind: 'file' | 'folder';
  readonly root: string;
  readonly shards: readonly BaseModelShard[];
  /** Every tensor by name, in shard then header order. */
  readonly tensors: ReadonlyMap<string, BaseTensor>;
  /** Bytes of tensor data over all shards (what progress counts). */
  readonly totalBytes: number;
}

async function kindOf(p: string): Promise<'file' | 'dir' | null> {
  const s = await stat(p).catch(() => null);
  if (s?.isFile()) return 'file';
  if (s?.isDirectory()) return 'dir';
  return null;
}

/** Shard file names of an index's weight_map, in first-appearance order, checked to stay in the folder. */
async function shardsOfIndex(
  indexPath: string,
): Promise<{ files: string[]; weightMap: Map<string, string> }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch {
    throw new RewriteError(`${BASE_INDEX_FILE} is not valid JSON`, null);
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new RewriteError(`${BASE_INDEX_FILE} has no "weight_map" object`, null);
  }
  const files: string[] = [];
  const map = new Map<string, string>();
  for (const [tensor, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string' || file !== path.basename(file) || !file.endsWith('.safetensors')) {
      throw new RewriteError(
        `${BASE_INDEX_FILE}: tensor '${tensor}' names an invalid shard file`,
        null,
        tensor,
      );
    }
    if (!files.includes(file)) files.push(file);
    map.set(tensor, file);
  }
  return { files, weightMap: map };
}

/**
 * Opens a base model for rewriting: a .safetensors file, or a folder holding model.safetensors or
 * Hugging Face shards with model.safetensors.index.json (each tensor must sit in the shard the
 * index names, and no name may appear twice).
 */
export async function openBaseModelFiles(base: string): Promise<BaseModelFiles> {
  const kind = await kindOf(base);
  if (kind === null) throw new RewriteError('base model not found', null);
  let files: string[];
  let weightMap: Map<string, string> | null = null;
  let root: string;
  if (kind === 'file') {
    root = path.dirname(base);
    files = [path.basename(base)];
  } else {
    root = base;
    if ((await kindOf(path.join(base, BASE_INDEX_FILE))) === 'file') {
      ({ files, weightMap } = await shardsOfIndex(path.join(base, BASE_INDEX_FILE)));
    } else if ((await kindOf(path.join(base, BASE_WEIGHTS_FILE))) === 'file') {
      files = [BASE_WEIGHTS_FILE];
    } else {
      throw new RewriteError(`base folder has neither ${BASE_WEIGHTS_FILE} nor ${BASE_INDEX_FILE}`, null);
    }
  }
  const shards: BaseModelShard[] = [];
  const tensors = new Map<string, BaseTensor>();
  let totalBytes = 0;
  for (const file of files) {
    const p = path.join(root, file);
    if ((await kindOf(p)) !== 'file') throw new RewriteError(`shard '${file}' is missing`, null);
    const header = await readSafetensorsHeaderFromFile(p);
    const shard = shards.length;
    shards.push({ file, path: p, header });
    totalBytes += header.fileByteLength - header.dataStart;
    for (const info of header.tensors) {
      if (tensors.has(info.name)) {
        throw new RewriteError(`tensor '${info.name}' appears in more than one shard`, null, info.name);
      }
      if (weightMap !== null && weightMap.get(info.name) !== file) {
        throw new RewriteError(
          `tensor '${info.name}' is in shard '${file}', which the index does not say`,
          null,
          info.name,
        );
      }
      tensors.set(info.name, { shard, info });
    }
  }
  if (weightMap !== null) {
    for (const name of weightMap.keys()) {
      if (!tensors.has(name))
        throw new RewriteError(`the index lists tensor '${name}', which no shard holds`, null, name);
    }
  }
  return { kind: kind === 'file' ? 'file' : 'folder', root, shards, tensors, totalBytes };
}
