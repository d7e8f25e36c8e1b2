import { useEffect, useRef, useState } from 'react';
import { isJobFinished, jobIdFromUrl, useCancelJob, useJob, type Job } from '../api/jobs';
import { problemOf } from '../api/problem';
import { formatPercent } from '../lib/format';
import { ProblemMessage } from './ProblemMessage';
import { ErrorView } from './Status';

/** "1 min 05 s", "12.3 s": elapsed time as people read it. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Elapsed time of a running job, ticking locally between polls (the server's count when it finished). */
function useElapsed(job: Job): number {
  const [now, setNow] = useState(() => Date.now());
  const live = job.state === 'running' && job.started_at !== null;
  useEffect(() => {
    if (!live) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [live]);
  if (!live || job.started_at === null) return job.elapsed_ms;
  return Math.max(job.elapsed_ms, now - Date.parse(job.started_at));
}

const STATE_LABEL: Record<Job['state'], string> = {
  queued: 'Waiting for a free worker',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export interface JobProgressViewProps {
  readonly job: Job;
  /** What the job computes, for people ("Pruning to top-k 1 %"); defaults to its kind. */
  readonly label?: string;
  readonly onCancel?: () => void;
  readonly cancelling?: boolean;
}

/** One job's progress: what runs, elapsed time, fraction, and a cancel button while it is live. */
export function JobProgressView({ job, label, onCancel, cancelling = false }: JobProgressViewProps) {
  const elapsed = useElapsed(job);
  const live = !isJobFinished(job.state);
  return (
    <div className={`job-progress job-${job.state}`} role="status" aria-live="polite" data-job={job.id}>
      <div className="job-progress-head">
        <strong>{label ?? job.kind}</strong>
        <span className="muted">
          {STATE_LABEL[job.state]}
          {job.state === 'cancelled' && job.cancelled_by ? ` by ${job.cancelled_by}` : ''}
          {job.started_at !== null ? ` · ${formatElapsed(elapsed)}` : ''}
          {job.attempts > 1 ? ` · attempt ${job.attempts} of ${job.max_attempts}` : ''}
        </span>
      </div>
      {job.state !== 'failed' && (
        <div className="job-progress-bar">
          <progress
            max={1}
            value={job.state === 'queued' ? undefined : job.progress.fraction}
            aria-label={`${label ?? job.kind} progress`}
          />
          <span className="job-fraction">{formatPercent(job.progress.fraction)}</span>
          {live && onCancel && (
            <button type="button" onClick={onCancel} disabled={cancelling}>
              {cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
        </div>
      )}
      {job.progress.message && job.state !== 'failed' && (
        <p className="job-message muted">{job.progress.message}</p>
      )}
      {job.state === 'failed' && job.error && (
        <ProblemMessage problem={job.error} action={label ?? job.kind} />
      )}
    </div>
  );
}

export interface JobProgressProps {
  /** The job id, or its URL (`Location: /api/jobs/{id}`). */
  readonly jobId: string;
  readonly label?: string;
  /** Called once with the finished job (done, failed or cancelled). */
  readonly onFinished?: (job: Job) => void;
}

/** Follows a job by id (polling) and shows its progress with a cancel button. */
export function JobProgress({ jobId, label, onFinished }: JobProgressProps) {
  const id = jobIdFromUrl(jobId);
  const query = useJob(id);
  const cancel = useCancelJob();
  const job = query.data;
  // Reported once per finish, not on every render of the finished job.
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (!job || !isJobFinished(job.state)) return;
    const mark = `${job.id}:${job.state}`;
    if (reported.current === mark) return;
    reported.current = mark;
    onFinished?.(job);
  }, [job, onFinished]);
  if (query.isError) return <ErrorView error={query.error} what="the job" />;
  if (!job) return <p className="status status-loading">Looking up the job…</p>;
  return (
    <>
      <JobProgressView
        job={job}
        {...(label !== undefined ? { label } : {})}
        onCancel={() => cancel.mutate(job.id)}
        cancelling={cancel.isPending}
      />
      {cancel.isError && <ProblemMessage problem={problemOf(cancel.error)} action="Cancel" />}
    </>
  );
}
