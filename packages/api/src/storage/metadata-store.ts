import type { Static } from '@sinclair/typebox';
import type { AuditEntry, CheckpointSummary, FileSchema } from '../schemas/registry.js';
import type { ModelSort, Role } from '../schemas/vocabulary.js';
import type { JobStore } from '../jobs/job-types.js';
/** A version content's cached analysis of one importance part (both blobs in the blob store). */
export interface AnalysisRecord {
  readonly contentKey: string;
  readonly part: string;
  /** The summary encoding (the core's SUMMARY_FORMAT). */
  readonly format: string;
  readonly importance: FileRecordBlob;
  readonly summary: FileRecordBlob;
}

export interface FileRecordBlob {
  readonly sha256: string;
  readonly size: number;
}

// The stored summary and audit entries are served as they are, so their types are the contract's.
export type { AuditEntry, CheckpointSummary, ParamSummary } from '../schemas/registry.js';
export { ROLES, type ModelSort, type Role } from '../schemas/vocabulary.js';

export type FileRecord = Static<typeof FileSchema>;

export interface VersionRef {
  readonly name: string;
  readonly version: number;
}

export type Operation = 'upload' | 'prune';

export interface VersionRecord {
  readonly id: number;
  readonly model: string;
  readonly version: number;
  readonly description: string;
  readonly tags: readonly string[];
  readonly summary: CheckpointSummary;
  readonly files: readonly FileRecord[];
  readonly parent: VersionRef | null;
  readonly operation: Operation;
  readonly operationArgs: Readonly<Record<string, unknown>> | null;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Aliases (besides the implicit `latest`) currently pointing at this version. */
  readonly aliases: readonly string[];
}

/** The latest version's headline fields, read with the model (lists need no per-row version lookup). */
export interface LatestVersionSummary {
  readonly version: number;
  readonly inputDim: number;
  readonly unprunedLength: number;
  readonly latentDim: number;
  readonly dtype: string;
  readonly baseModel: string | null;
}

export interface ModelRecord {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly aliases: Readonly<Record<string, number>>;
  readonly versionCount: number;
  readonly latestVersion: number | null;
  readonly latest: LatestVersionSummary | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
}

export interface ModelQuery {
  readonly q?: string;
  readonly tag?: string;
  readonly sort: ModelSort;
  readonly limit: number;
  readonly offset: number;
}

export interface NewVersion {
  readonly model: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly summary: CheckpointSummary;
  readonly files: readonly FileRecord[];
  readonly parentId: number | null;
  readonly operation: Operation;
  readonly operationArgs: Readonly<Record<string, unknown>> | null;
  readonly actor: string;
}

export interface NewAuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly model?: string | null;
  readonly version?: number | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface TokenRecord {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface DeleteResult {
  /** Deleted versions, descendants first. */
  readonly deleted: readonly VersionRef[];
  /**
   * Blob keys no longer referenced by any version, the files of labeled sets that went with their
   * root among them (candidates: collecting checks every other reference first).
   */
  readonly unreferencedBlobs: readonly string[];
}

/** How a rewritten base model came about: the GRADIEND version and the rewrite's arguments. */
export interface BaseModelLineage {
  readonly base: string;
  readonly gradiend: VersionRef;
  readonly learning_rate: number;
  readonly input_scale: number | null;
  readonly feature_factor: readonly number[];
  readonly part: string;
}

/** One file of a sharded base model (a shard, the index, config.json …), stored as a blob. */
export interface BaseModelFile {
  readonly name: string;
  readonly sha256: string;
  readonly size: number;
}

/** A base model's weights (one safetensors blob) with its optional ONNX graph and labeled test set. */
export interface BaseModelRecord {
  /** SHA-256 of the weights: the base model's id. */
  readonly sha256: string;
  /** What GRADIENDs' `base_model` names (several records may share a name). */
  readonly name: string;
  readonly size: number;
  readonly onnx: { readonly sha256: string; readonly size: number } | null;
  readonly testSet: { readonly sha256: string; readonly size: number } | null;
  readonly lineage: BaseModelLineage | null;
  /**
   * A base given as Hugging Face shards: its files by name (sha256 is then the id of the file set,
   * not a blob). Null for a single safetensors file.
   */
  readonly files: readonly BaseModelFile[] | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

export type NewBaseModel = Omit<BaseModelRecord, 'createdAt' | 'createdBy' | 'files'> & {
  readonly files?: readonly BaseModelFile[] | null;
  readonly actor: string;
};

/** One sample of a labeled set (its manifest row, in the API's snake_case). */
export interface LabeledSampleRecord {
  readonly file?: string;
  readonly row?: number;
  readonly label: number;
  readonly type?: string;
  readonly source_id?: string;
  readonly target_id?: string;
  readonly data_split?: string;
}

/** A labeled gradient set: samples in the input space of one version of the model (its root). */
export interface LabeledSetRecord {
  readonly id: number;
  readonly model: string;
  readonly name: string;
  readonly description: string;
  readonly rootVersion: number;
  readonly rootVersionId: number;
  readonly format: 'per-sample' | 'batched';
  readonly nSamples: number;
  readonly inputDim: number;
  readonly dtype: string;
  readonly labelCounts: Readonly<Record<string, number>>;
  /** Hash of the stored files' names and hashes: what evaluation caches key on. */
  readonly contentSha256: string;
  readonly samples: readonly LabeledSampleRecord[];
  /** The manifest (as stored, JSON) and the gradient files, each a blob. */
  readonly files: readonly FileRecord[];
  readonly bytes: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface NewLabeledSet {
  readonly model: string;
  readonly name: string;
  readonly description: string;
  readonly rootVersionId: number;
  readonly format: LabeledSetRecord['format'];
  readonly inputDim: number;
  readonly dtype: string;
  readonly labelCounts: Readonly<Record<string, number>>;
  readonly contentSha256: string;
  readonly samples: readonly LabeledSampleRecord[];
  readonly files: readonly FileRecord[];
  readonly bytes: number;
  readonly actor: string;
}

/**
 * Registry metadata. Every method that changes state runs in one transaction and records its audit
 * entry in the same transaction. Implementations: SQLite (default) and PostgreSQL.
 */
export interface MetadataStore {
  /** The jobs table of the same database (src/jobs). */
  readonly jobs: JobStore;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Rejects when the database cannot be reached (readiness checks). */
  ping(): Promise<void>;

  listModels(query: ModelQuery): Promise<{ items: ModelRecord[]; total: number }>;
  getModel(name: string): Promise<ModelRecord | null>;
  updateModel(
    name: string,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<ModelRecord | null>;
  isEmpty(): Promise<boolean>;

  /** Creates the model if needed, allocates the next version number and stores the version. */
  createVersion(input: NewVersion): Promise<VersionRecord>;
  listVersions(model: string): Promise<VersionRecord[]>;
  /** `ref`: a version number, `latest` or an alias name. */
  getVersion(model: string, ref: number | string): Promise<VersionRecord | null>;
  getVersionById(id: number): Promise<VersionRecord | null>;
  updateVersion(
    model: string,
    version: number,
    patch: { description?: string; tags?: readonly string[] },
    actor: string,
  ): Promise<VersionRecord | null>;
  /** Versions (in any model) whose parent is the given version. */
  listChildren(versionId: number): Promise<VersionRef[]>;
  /** Deletes the version (and with `cascade` every version derived from it). */
  deleteVersion(model: string, version: number, cascade: boolean, actor: string): Promise<DeleteResult>;

  /**
   * Deletes a model that has no versions left (its tags and aliases go with it) and audits it;
   * false when there is no such model. Delete its versions first (deleteVersion with cascade).
   */
  deleteEmptyModel(model: string, actor: string): Promise<boolean>;

  setAlias(model: string, alias: string, version: number, actor: string): Promise<void>;
  deleteAlias(model: string, alias: string, actor: string): Promise<boolean>;

  /**
   * True when a version, a base model (weights, ONNX graph or test set), a labeled set, a cached
   * analysis or a job result uses the blob.
   */
  isBlobReferenced(sha256: string): Promise<boolean>;

  /**
   * Stores a base model; when one with the same weights exists it is returned unchanged except that
   * a missing ONNX graph or test set is filled in (uploading once is enough; re-uploads are no-ops).
   */
  putBaseModel(input: NewBaseModel): Promise<BaseModelRecord>;
  getBaseModel(sha256: string): Promise<BaseModelRecord | null>;
  /** Newest first; with `name`, only the base models of that name. */
  listBaseModels(name?: string): Promise<BaseModelRecord[]>;

  /** Stores a set (409 when the model has one of that name; 404 when its root is gone) and audits it. */
  createLabeledSet(input: NewLabeledSet): Promise<LabeledSetRecord>;
  /** The model's sets, by name. */
  listLabeledSets(model: string): Promise<LabeledSetRecord[]>;
  getLabeledSet(model: string, name: string): Promise<LabeledSetRecord | null>;
  /** Deletes and audits a set; null when there is none. Returns its blobs no set references any more. */
  deleteLabeledSet(
    model: string,
    name: string,
    actor: string,
  ): Promise<{ readonly unreferencedBlobs: readonly string[] } | null>;

  getAnalysis(contentKey: string, part: string, format: string): Promise<AnalysisRecord | null>;
  /** Records a computed analysis; a concurrent record of the same key wins and this one is dropped. */
  putAnalysis(record: AnalysisRecord): Promise<void>;

  createToken(input: { name: string; role: Role; tokenHash: string; actor: string }): Promise<TokenRecord>;
  findTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(name: string, actor: string): Promise<boolean>;
  touchToken(id: number): Promise<void>;

  appendAudit(entry: NewAuditEntry): Promise<void>;
  listAudit(query: { model?: string; action?: string; limit: number; offset: number }): Promise<AuditEntry[]>;
}
