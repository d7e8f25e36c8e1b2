import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ANALYSIS_JOB_KIND } from '../../api/contract';
import { isJobFinished, useCancelJob, useJob, useJobParam, useModelJobs } from '../../api/jobs';
import { ApiProblemError, problemOf } from '../../api/problem';
import { JobProgressView } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';

/** The URL parameter that holds the followed analysis job, so a reload keeps following it. */
export const ANALYSIS_JOB_PARAM = 'analysis-job';

/**
 * The first analysis of a version (importance and summary of every part, a job started by its
 * upload or prune) while it runs: what it does, elapsed time, fraction and cancel, above every
 * version view, since they all wait for it. The job's id goes into `?analysis-job=` so a reload
 * resumes following it; once done the views' data is refetched and the banner goes away.
 */
export function AnalysisJobBanner({ name, version }: { name: string; version: number }) {
  const client = useQueryClient();
  const [param, setParam] = useJobParam(ANALYSIS_JOB_PARAM);
  const jobs = useModelJobs(name);
  const cancel = useCancelJob();
  // Jobs seen finished here: a list polled before they finished must not bring them back.
  const finished = useRef(new Set<string>());
  const live = jobs.data?.items.find(
    (j) =>
      j.kind === ANALYSIS_JOB_KIND &&
      j.version === version &&
      !isJobFinished(j.state) &&
      !finished.current.has(j.id),
  );
  useEffect(() => {
    if (param === null && live) setParam(live.id);
  }, [param, live, setParam]);

  const followed = useJob(param);
  const job = followed.data;
  const ours =
    job !== undefined && job.kind === ANALYSIS_JOB_KIND && job.model === name && job.version === version;
  useEffect(() => {
    if (!job || !isJobFinished(job.state) || finished.current.has(job.id)) return;
    finished.current.add(job.id);
    void client.invalidateQueries({ queryKey: ['jobs'] });
    if (job.state === 'done' && ours) {
      void client.invalidateQueries({ queryKey: ['model', name, 'version'] });
      setParam(null);
    }
  }, [job, ours, client, name, setParam]);
  // A job id from another version's URL (the version picker keeps the query), or one removed by
  // the server's retention: nothing to follow here.
  const gone = followed.error instanceof ApiProblemError && followed.error.problem.status === 404;
  useEffect(() => {
    if (param !== null && (gone || (job !== undefined && !ours))) setParam(null);
  }, [param, gone, job, ours, setParam]);

  if (param === null || !job || !ours) return null;
  return (
    <div className="card analysis-job">
      <JobProgressView
        job={job}
        label={`First analysis of v${version}`}
        onCancel={() => cancel.mutate(job.id)}
        cancelling={cancel.isPending}
      />
      {isJobFinished(job.state) && (
        <p className="muted">
          The views below compute what they show on request instead.{' '}
          <button type="button" onClick={() => setParam(null)}>
            Dismiss
          </button>
        </p>
      )}
      {cancel.isError && <ProblemMessage problem={problemOf(cancel.error)} action="Cancel" />}
    </div>
  );
}
