import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../errors/api-error.js';
import type { BlobStore } from '../storage/blob-store.js';
import type {
  CheckpointSummary,
  FileRecord,
  MetadataStore,
  NewVersion,
  Operation,
  VersionRecord,
} from '../storage/metadata-store.js';
import type { TaskRunner } from '../workers/task-runner.js';
import type { ModelHandle } from '../workers/task-types.js';
import { VersionCache } from './version-cache.js';

export interface StagedFile extends FileRecord {
  /** Local path of the staged bytes; the blob store takes ownership on commit. */
  readonly path: string;
}

export interface IngestOptions {
  readonly model: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly actor: string;
  readonly parentId: number | null;
  readonly operation: Operation;
  readonly operationArgs: Readonly<Record<string, unknown>> | null;
}

/** Parses a version reference from a path: a positive integer or an alias name. */
export function parseRef(ref: string): number | string {
  return /^[0-9]+$/.test(ref) ? Number(ref) : ref;
}

/**
 * Registry operations that span the metadata store, the blob store and the workers: committing a
 * validated checkpoint folder, checking versions out as local folders for the core, deleting with
 * blob garbage collection.
 */
export class RegistryService {
  /** Blobs written by commits still in flight; never garbage-collected while counted here. */
  private readonly pending = new Map<string, number>();
  private readonly checkouts = new Map<string, Promise<string>>();
  /** Handles of the records the version cache hands out, so repeated checkouts skip hashing. */
  private readonly handles = new WeakMap<VersionRecord, Promise<ModelHandle>>();
  private readonly versions = new VersionCache();
  /** Called after every committed version (upload or prune), e.g. to start its analysis. */
  onCommitted: (record: VersionRecord) => void = () => undefined;
  /** Called on every checkout with whether it was already materialised in this process (metrics). */
  observeCheckout: (hit: boolean) => void = () => undefined;

  constructor(
    private readonly meta: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly tasks: TaskRunner,
    private readonly dirs: { readonly tmp: string; readonly checkouts: string },
    /**
     * With a shared database, another instance may be about to commit a version re-using a blob
     * this one just unreferenced; blobs written within this window are left to the orphan sweep.
     */
    private readonly options: {
      readonly deleteGraceMs?: number;
      /** Passed to the inspect task: larger uploads are described from their headers. */
      readonly fullLoadMaxBytes?: number;
    } = {},
  ) {}

  /** Whether a commit in this process is using the blob right now. */
  isPending(sha256: string): boolean {
    return this.pending.has(sha256);
  }

  /** A fresh private directory under the data dir's temp area (same filesystem as the blobs). */
  async makeTempDir(prefix: string): Promise<string> {
    const dir = path.join(this.dirs.tmp, `${prefix}-${randomUUID()}`);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Validates the checkpoint folder `dir` (whose files are `files`) with the core, then stores the
   * blobs and the version in one transaction. On any failure nothing stays behind.
   */
  async ingest(dir: string, files: readonly StagedFile[], options: IngestOptions): Promise<VersionRecord> {
    const summary = await this.tasks.run('inspect', {
      dir,
      storedBytes: files.reduce((n, f) => n + f.size, 0),
      fullLoadMaxBytes: this.options.fullLoadMaxBytes,
    });
    return this.commit(files, summary, options);
  }

  /**
   * Stores already validated files (hashed by whoever wrote them, e.g. the prune task) and their
   * summary as a new version in one transaction. On any failure nothing stays behind.
   */
  async commit(
    files: readonly StagedFile[],
    summary: CheckpointSummary,
    options: IngestOptions,
  ): Promise<VersionRecord> {
    const record = await this.storeBlobs(files, () =>
      this.meta.createVersion({
        ...options,
        summary,
        files: files.map(({ name, sha256, size }) => ({ name, sha256, size })),
      } satisfies NewVersion),
    );
    this.onCommitted(record);
    return record;
  }

  /**
   * Moves staged files into the blob store and runs `record` (the transaction that references
   * them); the blobs are safe from garbage collection meanwhile and collected again if it fails.
   */
  async storeBlobs<T>(files: readonly StagedFile[], record: () => Promise<T>): Promise<T> {
    const shas = files.map((f) => f.sha256);
    for (const sha of shas) this.pending.set(sha, (this.pending.get(sha) ?? 0) + 1);
    try {
      for (const f of files) await this.blobs.putFile(f.path, { sha256: f.sha256, size: f.size });
      const result = await record();
      this.release(shas);
      return result;
    } catch (error) {
      this.release(shas);
      await this.collect(shas);
      throw error;
    }
  }

  /** The model's version whose files are exactly `files` (same names and SHA-256), if any. */
  async findIdenticalVersion(
    model: string,
    files: readonly { readonly name: string; readonly sha256: string }[],
  ): Promise<VersionRecord | null> {
    if (!(await this.meta.getModel(model))) return null;
    const key = (list: readonly { readonly name: string; readonly sha256: string }[]) =>
      list
        .map((f) => `${f.name}\u0000${f.sha256}`)
        .sort()
        .join('\n');
    const wanted = key(files);
    const versions = await this.meta.listVersions(model);
    return versions.find((v) => key(v.files) === wanted) ?? null;
  }

  private release(shas: readonly string[]): void {
    for (const sha of shas) {
      const n = (this.pending.get(sha) ?? 1) - 1;
      if (n <= 0) this.pending.delete(sha);
      else this.pending.set(sha, n);
    }
  }

  /** Deletes the given blobs unless a version or an in-flight commit still uses them. */
  async collect(shas: readonly string[]): Promise<void> {
    for (const sha of new Set(shas)) {
      if (this.pending.has(sha)) continue;
      if (await this.meta.isBlobReferenced(sha)) continue;
      const graceMs = this.options.deleteGraceMs ?? 0;
      if (graceMs > 0) {
        const stat = await this.blobs.stat(sha);
        if (stat && Date.now() - stat.modifiedAt.getTime() < graceMs) continue;
      }
      await this.blobs.delete(sha);
    }
  }

  async requireModel(name: string): Promise<void> {
    if (!(await this.meta.getModel(name))) {
      throw new ApiError('GRADIEND_ERR_MODEL_NOT_FOUND', `no model named ${name}`, { model: name });
    }
  }

  async resolve(name: string, ref: string): Promise<VersionRecord> {
    const version = await this.meta.getVersion(name, parseRef(ref));
    if (version) return version;
    await this.requireModel(name);
    throw new ApiError('GRADIEND_ERR_VERSION_NOT_FOUND', `model ${name} has no version or alias ${ref}`, {
      model: name,
      ref,
    });
  }

  /**
   * `resolve` for routes that read only a version's files and summary (encode, decode): numbered
   * refs are served from the version cache; aliases and `latest` always resolve in the database,
   * so alias moves and uploads are seen at once.
   */
  async resolveContent(name: string, ref: string): Promise<VersionRecord> {
    const parsed = parseRef(ref);
    if (typeof parsed === 'number') {
      const hit = this.versions.get(name, parsed);
      if (hit) return hit;
    }
    const version = await this.resolve(name, ref);
    this.versions.set(version);
    return version;
  }

  /** Drops a cached record after its description or tags changed. */
  forgetVersion(name: string, version: number): void {
    this.versions.delete(name, version);
  }

  async deleteVersion(name: string, ref: string, cascade: boolean, actor: string) {
    const version = await this.resolve(name, ref);
    const doomed = cascade ? await this.descendants(version) : [version];
    const result = await this.meta.deleteVersion(name, version.version, cascade, actor);
    for (const v of result.deleted) this.versions.delete(v.name, v.version);
    // A checkout whose file set lost a blob belongs to no remaining version.
    const gone = new Set(result.unreferencedBlobs);
    for (const v of doomed) {
      if (!v.files.some((f) => gone.has(f.sha256))) continue;
      const key = RegistryService.contentKey(v.files);
      this.checkouts.delete(key);
      await fs.rm(path.join(this.dirs.checkouts, key), { recursive: true, force: true });
    }
    await this.collect(result.unreferencedBlobs);
    return result;
  }

  /** The version and every version derived from it (each once). */
  private async descendants(root: VersionRecord): Promise<VersionRecord[]> {
    const out = [root];
    const seen = new Set([root.id]);
    for (let i = 0; i < out.length; i++) {
      for (const ref of await this.meta.listChildren((out[i] as VersionRecord).id)) {
        const child = await this.meta.getVersion(ref.name, ref.version);
        if (child && !seen.has(child.id)) {
          seen.add(child.id);
          out.push(child);
        }
      }
    }
    return out;
  }

  /**
   * Deletes every version of the model (each lineage root with cascade, so versions derived from
   * them, in any model, go too), then the model itself. Returns the deleted versions.
   */
  async deleteModel(name: string, actor: string): Promise<{ name: string; version: number }[]> {
    await this.requireModel(name);
    const deleted: { name: string; version: number }[] = [];
    for (const v of await this.meta.listVersions(name)) {
      if (deleted.some((d) => d.name === name && d.version === v.version)) continue;
      if (v.parent && v.parent.name === name) continue;
      deleted.push(...(await this.deleteVersion(name, String(v.version), true, actor)).deleted);
    }
    if (!(await this.meta.deleteEmptyModel(name, actor))) {
      throw new ApiError('GRADIEND_ERR_MODEL_NOT_FOUND', `no model named ${name}`, { model: name });
    }
    return deleted;
  }

  /** Content key of a version: equal file sets share checkouts, worker caches and ONNX sessions. */
  static contentKey(files: readonly FileRecord[]): string {
    const hash = createHash('sha256');
    for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name)))
      hash.update(`${f.name}\0${f.sha256}\n`);
    return hash.digest('hex');
  }

  /** The version as a local checkpoint folder (materialised once per content key, then reused). */
  checkout(version: VersionRecord): Promise<ModelHandle> {
    let handle = this.handles.get(version);
    if (handle) {
      this.observeCheckout(true);
      return handle;
    }
    handle = this.checkoutFiles(version);
    this.handles.set(version, handle);
    handle.catch(() => this.handles.delete(version));
    return handle;
  }

  /**
   * Any stored file set (a labeled set's gradients) as a local folder under `key`, materialised
   * once like a version's checkout; names may hold folders.
   */
  checkoutFileSet(key: string, files: readonly FileRecord[]): Promise<string> {
    let pending = this.checkouts.get(key);
    this.observeCheckout(pending !== undefined);
    if (!pending) {
      pending = this.materialize(key, files);
      this.checkouts.set(key, pending);
      pending.catch(() => this.checkouts.delete(key));
    }
    return pending;
  }

  /** Forgets and removes a file set's checkout (its set was deleted). */
  async dropFileSet(key: string): Promise<void> {
    this.checkouts.delete(key);
    await fs.rm(path.join(this.dirs.checkouts, key), { recursive: true, force: true });
  }

  private async checkoutFiles(version: VersionRecord): Promise<ModelHandle> {
    const key = RegistryService.contentKey(version.files);
    let pending = this.checkouts.get(key);
    this.observeCheckout(pending !== undefined);
    if (!pending) {
      pending = this.materialize(key, version.files);
      this.checkouts.set(key, pending);
      pending.catch(() => this.checkouts.delete(key));
    }
    let dir: string;
    try {
      dir = await pending;
    } catch (error) {
      // Deleted while it was being resolved and checked out (its blobs are gone): a 404, not a 500.
      if (!(await this.meta.getVersionById(version.id))) {
        throw new ApiError(
          'GRADIEND_ERR_VERSION_NOT_FOUND',
          `${version.model}@${version.version} was deleted while it was being read`,
        );
      }
      throw error;
    }
    return {
      dir,
      key,
      storedBytes: version.files.reduce((n, f) => n + f.size, 0),
      inputDim: version.summary.input_dim,
    };
  }

  private async materialize(key: string, files: readonly FileRecord[]): Promise<string> {
    const target = path.join(this.dirs.checkouts, key);
    try {
      // The staging folder is renamed into place only when complete, so existence means complete.
      await fs.access(target);
      return target;
    } catch {
      // not checked out yet
    }
    const staging = await this.makeTempDir('checkout');
    try {
      for (const f of files) {
        const file = path.join(staging, f.name);
        if (f.name.includes('/')) await fs.mkdir(path.dirname(file), { recursive: true });
        await this.blobs.materialize(f.sha256, file);
      }
      await fs.mkdir(this.dirs.checkouts, { recursive: true });
      await fs.rm(target, { recursive: true, force: true });
      await fs.rename(staging, target);
      return target;
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
}
