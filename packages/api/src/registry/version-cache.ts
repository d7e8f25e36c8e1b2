import type { VersionRecord } from '../storage/metadata-store.js';

/**
 * Version records by (model, number) for the hot compute routes. A numbered version's files and
 * summary never change, and numbers are never reused, so an entry can only go stale by deletion
 * (or a description/tag edit, which compute routes do not read). Deletions through this process
 * drop their entries at once; the TTL bounds how long another instance sharing the database may
 * keep serving a version it deleted.
 */
export class VersionCache {
  private readonly entries = new Map<string, { record: VersionRecord; expires: number }>();

  constructor(
    private readonly ttlMs = 5_000,
    private readonly maxEntries = 1_000,
  ) {}

  private static key(model: string, version: number): string {
    return `${model}\0${version}`;
  }

  get(model: string, version: number, now = Date.now()): VersionRecord | undefined {
    const key = VersionCache.key(model, version);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.record;
  }

  set(record: VersionRecord, now = Date.now()): void {
    const key = VersionCache.key(record.model, record.version);
    this.entries.delete(key);
    this.entries.set(key, { record, expires: now + this.ttlMs });
    // Insertion order: the first key is the one cached longest ago.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(model: string, version: number): void {
    this.entries.delete(VersionCache.key(model, version));
  }
}
