import { IMPORTANCE_PARTS } from '@gradiend/core';
import { defineJobKind, jobKey, type JobKind } from '../jobs/index.js';
import type { RegistryService } from '../registry/registry-service.js';
import { ANALYSIS_JOB_KIND } from '../schemas/vocabulary.js';
import type { VersionRecord } from '../storage/metadata-store.js';
import type { AnalysisCache } from './analysis-cache.js';

export interface AnalysisJobArgs {
  readonly model: string;
  readonly version: number;
}

/**
 * A version's analysis (importance + summary of every part) as a job: started in the background
 * on upload and prune, keyed by content so instances sharing the stores compute it once; progress
 * per part. The values themselves live in the analysis cache, which requests join in-process.
 */
export function analysisJobKind(
  registry: RegistryService,
  analysis: AnalysisCache,
): JobKind<AnalysisJobArgs, { parts: string[] }> {
  return defineJobKind({
    name: ANALYSIS_JOB_KIND,
    async run(args: AnalysisJobArgs, { signal, progress }) {
      const handle = await registry.checkout(await registry.resolve(args.model, String(args.version)));
      for (const [i, part] of IMPORTANCE_PARTS.entries()) {
        signal.throwIfAborted();
        progress(i / IMPORTANCE_PARTS.length, `importance and summary of ${part}`);
        await analysis.summary(handle, part);
        // One part at a time, stored before the next starts: the background work holds one worker
        // thread, and the other stays free for requests.
        await analysis.idle();
      }
      progress(1, 'done');
      return { parts: [...IMPORTANCE_PARTS] };
    },
  });
}

/** The job's key: the version's content, so a re-upload of the same files joins the same job. */
export function analysisJobKey(record: VersionRecord): string {
  return jobKey(ANALYSIS_JOB_KIND, { files: record.files.map((f) => `${f.name}:${f.sha256}`).sort() });
}
