import { useMutation } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { apiUrl } from '../../api/http';
import { startJob, useJob, useJobParam, useJobResult } from '../../api/jobs';

/** Seconds the request waits for a quick answer before the view follows the job instead. */
const QUICK_WAIT_S = 2;

/**
 * Computes a comparison that runs as a job (`POST /api/compare/…`): a done (or quick) one answers
 * at once, a long one is followed through `?<param>=<id>` in the URL, so a reload keeps following
 * it and then shows its stored result.
 */
export function useCompareJob<Body, Result>(path: string, param: string) {
  const [jobId, setJobId] = useJobParam(param);
  const [answered, setAnswered] = useState<Result | null>(null);
  const job = useJob(jobId);
  const stored = useJobResult<Result>(job.data);

  const start = useMutation({
    mutationFn: (body: Body) => startJob<Result>(apiUrl(path, { wait: QUICK_WAIT_S }), body),
    onMutate: () => setAnswered(null),
    onSuccess: (started) => {
      if ('result' in started) {
        setJobId(null);
        setAnswered(started.result);
      } else setJobId(started.job.id);
    },
  });
  const forget = useCallback(() => {
    setJobId(null);
    setAnswered(null);
  }, [setJobId]);

  const result = answered ?? (jobId !== null ? (stored.data ?? null) : null);
  return { start, jobId, result, resultError: stored.error, forget };
}
