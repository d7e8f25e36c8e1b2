import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  BASE_INDEX_FILE,
  OnnxWeights,
  openBaseModelFiles,
  readSafetensorsHeaderFromFile,
} from '@gradiend/core/node';
import type { GradiendError } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import type { BaseModel } from '../schemas/rewrite.js';
import { sha256File } from '../registry/sha256-file.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { BlobStore } from '../storage/blob-store.js';
import type {
  BaseModelFile,
  BaseModelLineage,
  BaseModelRecord,
  MetadataStore,
} from '../storage/metadata-store.js';

/** The parts of a base model and the file names they get when materialised for the core. */
export const BASE_MODEL_PARTS = {
  weights: 'model.safetensors',
  onnx: 'model.onnx',
  testSet: 'test-set.safetensors',
} as const;

export type BaseModelPart = keyof typeof BASE_MODEL_PARTS;

/** Tensor names a labeled test set must hold: inputs [N, features] float32 and labels [N] integers. */
export const TEST_SET_INPUTS = ['inputs', 'pixels'] as const;
export const TEST_SET_LABELS = 'labels';

function invalid(message: string): ApiError {
  return new ApiError('GRADIEND_ERR_REWRITE', message);
}

async function checkWeights(file: string): Promise<void> {
  try {
    await readSafetensorsHeaderFromFile(file);
  } catch (error) {
    throw invalid(
      `the base model weights are not a valid safetensors file: ${(error as GradiendError).message}`,
    );
  }
}

/** A sharded base as the core reads it: the index, every shard it names, each tensor where it says. */
async function checkShards(dir: string): Promise<void> {
  try {
    await openBaseModelFiles(dir);
  } catch (error) {
    throw invalid(`the sharded base model is not valid: ${(error as GradiendError).message}`);
  }
}

/** The id of a sharded base: the SHA-256 of its file list (names, contents), so equal folders are one record. */
export function shardedBaseId(files: readonly BaseModelFile[]): string {
  const canonical = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => [f.name, f.sha256, f.size]);
  return createHash('sha256')
    .update(`gradiend-sharded-base/1\n${JSON.stringify(canonical)}`)
    .digest('hex');
}

async function checkTestSet(file: string): Promise<void> {
  let header;
  try {
    header = await readSafetensorsHeaderFromFile(file);
  } catch (error) {
    throw invalid(`the test set is not a valid safetensors file: ${(error as GradiendError).message}`);
  }
  const inputs = header.tensors.find((t) => (TEST_SET_INPUTS as readonly string[]).includes(t.name));
  const labels = header.byName.get(TEST_SET_LABELS);
  if (!inputs || inputs.dtype !== 'F32' || inputs.shape.length !== 2) {
    throw invalid(`the test set needs a float32 [N, features] tensor named ${TEST_SET_INPUTS.join(' or ')}`);
  }
  if (!labels || !['I64', 'I32'].includes(labels.dtype) || labels.shape.join() !== String(inputs.shape[0])) {
    throw invalid(`the test set needs an integer [N] tensor named ${TEST_SET_LABELS}`);
  }
}

async function checkOnnx(file: string): Promise<void> {
  const weights = new OnnxWeights(new Uint8Array(await fs.readFile(file)));
  if (weights.inputNames.length !== 1 || weights.outputNames.length < 1) {
    throw invalid('the ONNX graph needs exactly one input (the features) and an output (the logits)');
  }
}

/**
 * What an uploaded folder holds as weights: itself when it has model.safetensors.index.json (Hugging
 * Face shards), else its one safetensors file; anything else is refused.
 */
export function uploadedWeights(dir: string, names: readonly string[]): string {
  if (names.includes(BASE_INDEX_FILE)) return dir;
  const safetensors = names.filter((n) => n.endsWith('.safetensors'));
  if (safetensors.length === 1 && names.length === 1) return path.join(dir, safetensors[0] as string);
  throw invalid(
    `a base model upload is one safetensors file, or Hugging Face shards with ${BASE_INDEX_FILE}; got ${names.join(', ')}`,
  );
}

export interface RegisterBaseModel {
  readonly name: string;
  /**
   * Local files; the service takes them over (they are moved into the blob store). `weights` is a
   * safetensors file, or a folder of Hugging Face shards with model.safetensors.index.json.
   */
  readonly weights: string;
  readonly onnx?: string;
  readonly testSet?: string;
  readonly lineage?: BaseModelLineage | null;
  readonly actor: string;
}

/** Base models as registry artifacts: validated, stored content-addressed, materialised for the core. */
export class BaseModelService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly registry: RegistryService,
  ) {}

  async register(input: RegisterBaseModel): Promise<BaseModelRecord> {
    const sharded = (await fs.stat(input.weights)).isDirectory();
    if (sharded) await checkShards(input.weights);
    else await checkWeights(input.weights);
    if (input.onnx) await checkOnnx(input.onnx);
    if (input.testSet) await checkTestSet(input.testSet);
    const store = async (file: string | undefined) => {
      if (!file) return null;
      const info = await sha256File(file);
      await this.blobs.putFile(file, info);
      return info;
    };
    let id: { sha256: string; size: number };
    let files: BaseModelFile[] | null = null;
    if (sharded) {
      files = [];
      for (const name of (await fs.readdir(input.weights)).sort()) {
        const info = await store(path.join(input.weights, name));
        if (info) files.push({ name, ...info });
      }
      id = { sha256: shardedBaseId(files), size: files.reduce((n, f) => n + f.size, 0) };
    } else {
      const weights = await store(input.weights);
      if (!weights) throw new Error('weights missing');
      id = weights;
    }
    const onnx = await store(input.onnx);
    const testSet = await store(input.testSet);
    return this.meta.putBaseModel({
      sha256: id.sha256,
      name: input.name,
      size: id.size,
      onnx,
      testSet,
      lineage: input.lineage ?? null,
      files,
      actor: input.actor,
    });
  }

  async get(sha256: string): Promise<BaseModelRecord> {
    const record = /^[0-9a-f]{64}$/.test(sha256) ? await this.meta.getBaseModel(sha256) : null;
    if (!record) throw new ApiError('GRADIEND_ERR_BASE_MODEL_NOT_FOUND', `base model '${sha256}' not found`);
    return record;
  }

  /**
   * The base model a GRADIEND names: `sha256` when given, else the newest original (not rewritten)
   * base model registered under the GRADIEND's `base_model`.
   */
  async forGradiend(baseModelName: string | null, sha256: string | undefined): Promise<BaseModelRecord> {
    if (sha256 !== undefined) return this.get(sha256);
    const found = baseModelName === null ? [] : await this.meta.listBaseModels(baseModelName);
    const original = found.find((b) => b.lineage === null);
    if (!original) {
      throw new ApiError(
        'GRADIEND_ERR_BASE_MODEL_NOT_FOUND',
        baseModelName === null
          ? 'the GRADIEND names no base_model; pass `base` (a base model id)'
          : `no base model named '${baseModelName}' is registered; upload it to /api/base-models first`,
      );
    }
    return original;
  }

  /** The blob sha of one part, or a 404 when the base model lacks it (or is sharded: see `file`). */
  partSha(record: BaseModelRecord, part: BaseModelPart): { sha256: string; size: number } {
    if (part === 'weights' && record.files !== null) {
      throw new ApiError(
        'GRADIEND_ERR_BASE_MODEL_NOT_FOUND',
        `base model '${record.sha256}' is sharded: download its files one by one (downloads.files)`,
      );
    }
    const blob =
      part === 'weights'
        ? { sha256: record.sha256, size: record.size }
        : part === 'onnx'
          ? record.onnx
          : record.testSet;
    if (!blob) {
      throw new ApiError(
        'GRADIEND_ERR_BASE_MODEL_NOT_FOUND',
        `base model '${record.sha256}' has no ${part === 'onnx' ? 'ONNX graph' : 'test set'}`,
      );
    }
    return blob;
  }

  /** One file of a sharded base model, or a 404. */
  file(record: BaseModelRecord, name: string): BaseModelFile {
    const file = record.files?.find((f) => f.name === name);
    if (!file) {
      throw new ApiError(
        'GRADIEND_ERR_BASE_MODEL_NOT_FOUND',
        `base model '${record.sha256}' has no file '${name}'`,
      );
    }
    return file;
  }

  /**
   * Materialises parts into a fresh temp folder (caller removes it). The weights of a sharded base
   * become a folder (`files.weights`) holding all its files under their names.
   */
  async materialize(
    record: BaseModelRecord,
    parts: readonly BaseModelPart[],
  ): Promise<{ dir: string; files: Record<BaseModelPart, string> }> {
    const dir = await this.registry.makeTempDir('base-model');
    const files = {} as Record<BaseModelPart, string>;
    try {
      for (const part of parts) {
        if (part === 'weights' && record.files !== null) {
          const folder = path.join(dir, 'model');
          await fs.mkdir(folder);
          for (const f of record.files) await this.blobs.materialize(f.sha256, path.join(folder, f.name));
          files.weights = folder;
          continue;
        }
        const file = path.join(dir, BASE_MODEL_PARTS[part]);
        await this.blobs.materialize(this.partSha(record, part).sha256, file);
        files[part] = file;
      }
    } catch (error) {
      await fs.rm(dir, { recursive: true, force: true });
      throw error;
    }
    return { dir, files };
  }
}

/** A base model as the API serves it. */
export function baseModelJson(b: BaseModelRecord): BaseModel {
  const link = (part: string) => `/api/base-models/${b.sha256}/${part}`;
  return {
    id: b.sha256,
    name: b.name,
    size: b.size,
    onnx: b.onnx,
    test_set: b.testSet,
    lineage: b.lineage && { ...b.lineage, feature_factor: [...b.lineage.feature_factor] },
    files: b.files && b.files.map((f) => ({ ...f })),
    created_at: b.createdAt,
    created_by: b.createdBy,
    downloads: {
      ...(b.files === null
        ? { weights: link('weights') }
        : {
            files: Object.fromEntries(
              b.files.map((f) => [f.name, link(`files/${encodeURIComponent(f.name)}`)]),
            ),
          }),
      ...(b.onnx ? { onnx: link('onnx') } : {}),
      ...(b.testSet ? { test_set: link('test-set') } : {}),
    },
  };
}
