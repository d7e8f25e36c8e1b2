import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { apiUrl, getJson, versionPath } from '../../api/http';
import { isJobFinished, startJob, useJob, useJobParam, type Job } from '../../api/jobs';
import type { PruneBody, PruneResult } from '../../api/contract';
import { versionRoute } from '../model/version-context';

/** Seconds the apply request waits for a quick prune before it follows the job instead. */
const QUICK_WAIT_S = 2;

/**
 * Applies a prune as a job (`POST …/prune?async=1`): a quick one answers at once, a long one is
 * followed through `?prune-job=<id>` in the URL, so a reload keeps following it. Either way the
 * page moves to the new version when it is stored.
 */
export function usePruneJob(name: string, ref: string) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [jobId, setJobId] = useJobParam('prune-job');
  const job = useJob(jobId);

  const finish = useCallback(
    (result: PruneResult) => {
      void client.invalidateQueries({ queryKey: ['model', result.name] });
      void client.invalidateQueries({ queryKey: ['models'] });
      void navigate(versionRoute(result.name, result.version));
    },
    [client, navigate],
  );

  const start = useMutation({
    mutationFn: (body: PruneBody) =>
      startJob<PruneResult>(
        apiUrl(`${versionPath(name, ref)}/prune`, { async: 1, wait: QUICK_WAIT_S }),
        body,
      ),
    onSuccess: (started) => {
      if ('result' in started) finish(started.result);
      else setJobId(started.job.id);
    },
  });

  /** For JobProgress's onFinished: a done job's result is the new version. */
  const onFinished = useCallback(
    (finished: Job) => {
      if (finished.state !== 'done' || !finished.result) return;
      void getJson<PruneResult>(finished.result.href).then(finish);
    },
    [finish],
  );

  const running = jobId !== null && (job.data === undefined || !isJobFinished(job.data.state));
  return { start, jobId, running, onFinished };
}
