import fs from 'node:fs/promises';
import path from 'node:path';
import { OnnxWeights, readSafetensorsHeaderFromFile } from '@gradiend/core/node';
import type { GradiendError } from '@gradiend/core';
import { ApiError } from '../errors/api-error.js';
import type { BaseModel } from '../schemas/rewrite.js';
import { sha256File } from '../registry/sha256-file.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { BaseModelLineage, BaseModelRecord, MetadataStore } from '../storage/metadata-store.js';

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

export interface RegisterBaseModel {
  readonly name: string;
  /** Local files; the service takes them over (they are moved into the blob store). */
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
    await checkWeights(input.weights);
    if (input.onnx) await checkOnnx(input.onnx);
    if (input.testSet) await checkTestSet(input.testSet);
    const store = async (file: string | undefined) => {
      if (!file) return null;
      const info = await sha256File(file);
      await this.blobs.putFile(file, info);
      return info;
    };
    const weights = await store(input.weights);
    const onnx = await store(input.onnx);
    const testSet = await store(input.testSet);
    if (!weights) throw new Error('weights missing');
    return this.meta.putBaseModel({
      sha256: weights.sha256,
      name: input.name,
      size: weights.size,
      onnx,
      testSet,
      lineage: input.lineage ?? null,
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

  /** The blob sha of one part, or a 404 when the base model lacks it. */
  partSha(record: BaseModelRecord, part: BaseModelPart): { sha256: string; size: number } {
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

  /** Materialises parts into a fresh temp folder (caller removes it). */
  async materialize(
    record: BaseModelRecord,
    parts: readonly BaseModelPart[],
  ): Promise<{ dir: string; files: Record<BaseModelPart, string> }> {
    const dir = await this.registry.makeTempDir('base-model');
    const files = {} as Record<BaseModelPart, string>;
    try {
      for (const part of parts) {
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
    created_at: b.createdAt,
    created_by: b.createdBy,
    downloads: {
      weights: link('weights'),
      ...(b.onnx ? { onnx: link('onnx') } : {}),
      ...(b.testSet ? { test_set: link('test-set') } : {}),
    },
  };
}
