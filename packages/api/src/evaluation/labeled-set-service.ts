import fs from 'node:fs/promises';
import { parseManifest, type ManifestRow } from '@gradiend/core';
import { readSafetensorsHeaderFromFile } from '@gradiend/core/node';
import { ApiError } from '../errors/api-error.js';
import { RegistryService, type StagedFile } from '../registry/registry-service.js';
import type { LabeledSetDetailJson, LabeledSetJson } from '../schemas/evaluation.js';
import { MAX_LABELED_SET_SAMPLES, MAX_MANIFEST_BYTES } from '../schemas/vocabulary.js';
import type {
  LabeledSampleRecord,
  LabeledSetRecord,
  MetadataStore,
  VersionRecord,
} from '../storage/metadata-store.js';

/** Gradients are stored as given, in one of these dtypes. */
const SET_DTYPES: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);
const DDP_PREFIX = 'module.';

function invalid(detail: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError('GRADIEND_ERR_LABELED_SET', detail, extra);
}

/** A label as the scorecard keys it: Python's str(float(label)). */
export function labelKey(label: number): string {
  return Number.isInteger(label) ? `${label === 0 ? 0 : label}.0` : String(label);
}

export interface NewSetUpload {
  readonly model: string;
  readonly name: string;
  readonly description: string;
  readonly root: VersionRecord;
  readonly manifest: StagedFile & { readonly format: 'json' | 'csv' };
  readonly gradients: readonly StagedFile[];
  readonly actor: string;
}

function toSample(row: ManifestRow): LabeledSampleRecord {
  return {
    ...(row.file !== undefined ? { file: row.file } : {}),
    ...(row.row !== undefined ? { row: row.row } : {}),
    label: row.label,
    ...(row.type !== undefined ? { type: row.type } : {}),
    ...(row.sourceId !== undefined ? { source_id: row.sourceId } : {}),
    ...(row.targetId !== undefined ? { target_id: row.targetId } : {}),
    ...(row.dataSplit !== undefined ? { data_split: row.dataSplit } : {}),
  };
}

/**
 * Checks a per-sample set's files against the root's param map: every tensor names a mapped
 * parameter (a `module.` prefix tolerated) with its shape, every selected parameter has one, one
 * dtype throughout. Returns the dtype.
 */
async function checkPerSample(root: VersionRecord, files: readonly StagedFile[]): Promise<string> {
  const params = new Map(root.summary.param_map.map((p) => [p.name, p]));
  let dtype: string | null = null;
  for (const f of files) {
    const header = await readSafetensorsHeaderFromFile(f.path);
    const seen = new Set<string>();
    for (const t of header.tensors) {
      const name = params.has(t.name) ? t.name : t.name.replace(/^module\./, '');
      const p = params.get(name);
      if (!p)
        throw invalid(`${f.name}: tensor '${t.name}' names no parameter of ${root.model}@${root.version}`, {
          file: f.name,
          tensor: t.name,
        });
      if (seen.has(name))
        throw invalid(`${f.name}: both '${name}' and '${DDP_PREFIX}${name}'; one gradient per parameter`, {
          file: f.name,
        });
      seen.add(name);
      if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i]))
        throw invalid(
          `${f.name}: gradient '${t.name}' has shape [${t.shape.join(', ')}], the parameter [${p.shape.join(', ')}]`,
          { file: f.name, tensor: t.name },
        );
      if (!SET_DTYPES.has(t.dtype))
        throw invalid(`${f.name}: gradient '${t.name}' is ${t.dtype}; gradients are F32, F16 or BF16`, {
          file: f.name,
        });
      if (dtype !== null && t.dtype !== dtype)
        throw invalid(`${f.name}: gradient '${t.name}' is ${t.dtype}, the set's others ${dtype}`, {
          file: f.name,
        });
      dtype = t.dtype;
    }
    const missing = root.summary.param_map.find((p) => p.num_selected > 0 && !seen.has(p.name));
    if (missing) throw invalid(`${f.name} has no gradient for parameter '${missing.name}'`, { file: f.name });
  }
  return dtype ?? 'F32';
}

/** Checks a batched set's one file: a single [N, input_dim] tensor of the root's space. Returns N and dtype. */
async function checkBatched(root: VersionRecord, file: StagedFile): Promise<{ rows: number; dtype: string }> {
  const header = await readSafetensorsHeaderFromFile(file.path);
  const [t, extra] = header.tensors;
  if (!t || extra)
    throw invalid(
      `${file.name}: a batched set is one tensor [N, input_dim], got ${header.tensors.length} tensors`,
    );
  const dim = root.summary.input_dim;
  if (t.shape.length !== 2 || t.shape[1] !== dim)
    throw invalid(
      `${file.name}: tensor '${t.name}' has shape [${t.shape.join(', ')}]; ${root.model}@${root.version} needs [N, ${dim}]`,
      { file: file.name },
    );
  if (!SET_DTYPES.has(t.dtype)) throw invalid(`${file.name}: ${t.dtype}; gradients are F32, F16 or BF16`);
  return { rows: t.shape[0] as number, dtype: t.dtype };
}

/** Labeled gradient sets: validated uploads stored as blobs, served to their root's lineage. */
export class LabeledSetService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly registry: RegistryService,
  ) {}

  /** Validates the staged upload against its root and stores it (blobs, then one transaction). */
  async create(input: NewSetUpload): Promise<LabeledSetRecord> {
    if (input.manifest.size > MAX_MANIFEST_BYTES)
      throw invalid(`the manifest has ${input.manifest.size} bytes; at most ${MAX_MANIFEST_BYTES}`);
    const text = await fs.readFile(input.manifest.path, 'utf8');
    const rows = parseManifest(text, input.manifest.format);
    if (rows.length > MAX_LABELED_SET_SAMPLES)
      throw invalid(`at most ${MAX_LABELED_SET_SAMPLES} samples per set, the manifest lists ${rows.length}`);
    const byFile = rows[0]?.file !== undefined;
    let dtype: string;
    if (byFile) {
      const names = new Set(input.gradients.map((g) => g.name));
      const listed = new Set(rows.map((r) => r.file as string));
      const absent = [...listed].find((f) => !names.has(f));
      if (absent !== undefined)
        throw invalid(`the manifest lists ${absent}, which is not among the uploaded gradients`, {
          file: absent,
        });
      const unused = [...names].find((f) => !listed.has(f));
      if (unused !== undefined)
        throw invalid(`${unused} was uploaded but the manifest does not list it`, { file: unused });
      dtype = await checkPerSample(input.root, input.gradients);
    } else {
      const [file, extra] = input.gradients;
      if (!file || extra)
        throw invalid(
          `a manifest with row indices needs exactly one batched gradient file, got ${input.gradients.length}`,
        );
      const batched = await checkBatched(input.root, file);
      const outside = rows.find((r) => (r.row as number) >= batched.rows);
      if (outside)
        throw invalid(
          `manifest row index ${outside.row} is outside the ${batched.rows} rows of ${file.name}`,
        );
      dtype = batched.dtype;
    }
    const labelCounts: Record<string, number> = {};
    for (const r of rows) labelCounts[labelKey(r.label)] = (labelCounts[labelKey(r.label)] ?? 0) + 1;
    const staged = [input.manifest, ...input.gradients];
    const files = staged.map(({ name, sha256, size }) => ({ name, sha256, size }));
    return this.registry.storeBlobs(staged, () =>
      this.meta.createLabeledSet({
        model: input.model,
        name: input.name,
        description: input.description,
        rootVersionId: input.root.id,
        format: byFile ? 'per-sample' : 'batched',
        inputDim: input.root.summary.input_dim,
        dtype,
        labelCounts,
        contentSha256: RegistryService.contentKey(files),
        samples: rows.map(toSample),
        files,
        bytes: files.reduce((n, f) => n + f.size, 0),
        actor: input.actor,
      }),
    );
  }

  async require(model: string, name: string): Promise<LabeledSetRecord> {
    const set = await this.meta.getLabeledSet(model, name);
    if (!set)
      throw new ApiError('GRADIEND_ERR_LABELED_SET_NOT_FOUND', `${model} has no labeled set named ${name}`, {
        model,
        set: name,
      });
    return set;
  }

  /** Whether `version` is the set's root or pruned from it (following parents). */
  async serves(set: LabeledSetRecord, version: VersionRecord): Promise<boolean> {
    let current: VersionRecord | null = version;
    for (let hops = 0; current && hops < 10_000; hops++) {
      if (current.id === set.rootVersionId) return true;
      const parent: VersionRecord['parent'] = current.parent;
      current = parent ? await this.meta.getVersion(parent.name, parent.version) : null;
    }
    return false;
  }

  /** 422 unless the set serves the version. */
  async requireServes(set: LabeledSetRecord, version: VersionRecord): Promise<void> {
    if (!(await this.serves(set, version)))
      throw new ApiError(
        'GRADIEND_ERR_LABELED_SET_SPACE',
        `labeled set ${set.name} is given in the space of ${set.model}@${set.rootVersion}; ` +
          `${version.model}@${version.version} is neither that version nor pruned from it`,
        { set: set.name, root_version: set.rootVersion },
      );
  }

  async delete(model: string, name: string, actor: string): Promise<void> {
    const set = await this.require(model, name);
    const result = await this.meta.deleteLabeledSet(model, name, actor);
    if (!result)
      throw new ApiError('GRADIEND_ERR_LABELED_SET_NOT_FOUND', `${model} has no labeled set named ${name}`);
    // Another set with the same files shares the checkout; it goes with the last of them.
    if (result.unreferencedBlobs.length === set.files.length)
      await this.registry.dropFileSet(`set-${set.contentSha256}`);
    await this.registry.collect(result.unreferencedBlobs);
  }
}

export function labeledSetJson(set: LabeledSetRecord): LabeledSetJson {
  return {
    name: set.name,
    model: set.model,
    description: set.description,
    root_version: set.rootVersion,
    format: set.format,
    n_samples: set.nSamples,
    input_dim: set.inputDim,
    dtype: set.dtype,
    label_counts: { ...set.labelCounts },
    content_sha256: set.contentSha256,
    files: set.files.map((f) => ({ ...f })),
    bytes: set.bytes,
    created_at: set.createdAt,
    created_by: set.createdBy,
  };
}

export function labeledSetDetailJson(set: LabeledSetRecord): LabeledSetDetailJson {
  return { ...labeledSetJson(set), samples: set.samples.map((s, index) => ({ index, ...s })) };
}
