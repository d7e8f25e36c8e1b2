import type { BlobStore } from '../storage/blob-store.js';
import type { MetadataStore } from '../storage/metadata-store.js';

export interface SweepDeps {
  readonly meta: MetadataStore;
  readonly blobs: BlobStore;
  /** Blobs younger than this stay: another instance may be about to commit a version using them. */
  readonly graceMs: number;
  /** Blobs this instance is committing right now. */
  readonly isPending: (sha256: string) => boolean;
}

export interface SweepResult {
  readonly checked: number;
  readonly deleted: readonly string[];
}

/**
 * Deletes blobs no version references and that are older than the grace period: leftovers of a
 * crash between storing blobs and committing the version (e.g. a killed instance).
 */
export async function sweepOrphanBlobs(deps: SweepDeps, now: number = Date.now()): Promise<SweepResult> {
  let checked = 0;
  const deleted: string[] = [];
  for await (const blob of deps.blobs.list()) {
    checked++;
    if (deps.isPending(blob.sha256) || (await deps.meta.isBlobReferenced(blob.sha256))) continue;
    const stat = await deps.blobs.stat(blob.sha256);
    if (!stat || now - stat.modifiedAt.getTime() < deps.graceMs) continue;
    // Re-check right before deleting: a version may have committed while we listed.
    if (await deps.meta.isBlobReferenced(blob.sha256)) continue;
    await deps.blobs.delete(blob.sha256);
    deleted.push(blob.sha256);
  }
  return { checked, deleted };
}

export interface SweepLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Runs the sweep every `intervalMs` (never overlapping itself) until stopped. */
export function startOrphanSweep(
  deps: SweepDeps,
  intervalMs: number,
  log: SweepLog,
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepOrphanBlobs(deps)
      .then(
        (r) => {
          if (r.deleted.length > 0)
            log.info({ deleted: r.deleted, checked: r.checked }, 'orphan blobs removed');
        },
        (err: unknown) => log.error({ err }, 'orphan blob sweep failed'),
      )
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
