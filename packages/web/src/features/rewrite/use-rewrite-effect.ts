import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { apiUrl, versionPath } from '../../api/http';
import { isJobFinished, startJob, useJob, useJobParam, useJobResult } from '../../api/jobs';
import type { RewriteEffect, RewriteEffectBody } from '../../api/contract';

/**
 * Runs the rewrite-effect sweep as a job (`POST …/rewrite-effect`): a sweep the server already has
 * answers 200 at once; a new one answers 202 and is followed through `?rewrite-job=<id>` in the
 * URL, so a reload keeps following it and then shows its stored result.
 */
export function useRewriteEffect(name: string, ref: string) {
  const [jobId, setJobId] = useJobParam('rewrite-job');
  const job = useJob(jobId);
  const stored = useJobResult<RewriteEffect>(job.data);
  // A 200 answer carries the result itself (no job to follow).
  const [answered, setAnswered] = useState<RewriteEffect | null>(null);

  const start = useMutation({
    mutationFn: (body: RewriteEffectBody) =>
      startJob<RewriteEffect>(apiUrl(`${versionPath(name, ref)}/rewrite-effect`), body),
    onSuccess: (started) => {
      if ('result' in started) {
        setAnswered(started.result);
        setJobId(null);
      } else {
        setAnswered(null);
        setJobId(started.job.id);
      }
    },
  });

  const running = jobId !== null && (job.data === undefined || !isJobFinished(job.data.state));
  const result = jobId === null ? answered : (stored.data ?? null);
  return { start, jobId, running, result, resultError: stored.error };
}
