import { useMutation } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { apiUrl } from '../../api/http';
import { startJob, useJob, useJobParam, useJobResult } from '../../api/jobs';
import type { SimilarityMatrixBody, SimilarityMatrixResponse } from '../../api/contract';

/** Seconds the request waits for a quick matrix before the view follows the job instead. */
const QUICK_WAIT_S = 2;

/**
 * Computes a similarity matrix through its job: a done (or quick) one answers at once, a long one
 * is followed through `?matrix-job=<id>` in the URL, so a reload keeps following it and then
 * shows its stored result.
 */
export function useMatrixJob() {
  const [jobId, setJobId] = useJobParam('matrix-job');
  const [answered, setAnswered] = useState<SimilarityMatrixResponse | null>(null);
  const job = useJob(jobId);
  const stored = useJobResult<SimilarityMatrixResponse>(job.data);

  const start = useMutation({
    mutationFn: (body: SimilarityMatrixBody) =>
      startJob<SimilarityMatrixResponse>(apiUrl('/compare/matrix', { wait: QUICK_WAIT_S }), body),
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
