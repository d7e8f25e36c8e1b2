import { isJobFinished, useCancelJob, useModelJobs } from '../../api/jobs';
import { JobProgressView } from '../../components/JobProgress';
import { ErrorView, Loading } from '../../components/Status';
import { formatDate } from '../../lib/format';

/** The model's recent jobs (any instance, any user): live ones with progress and cancel. */
export function JobsPanel({ model }: { model: string }) {
  const jobs = useModelJobs(model);
  const cancel = useCancelJob();
  return (
    <div className="card jobs-panel">
      <h2>Jobs</h2>
      {jobs.isPending && <Loading what="jobs" />}
      {jobs.isError && <ErrorView error={jobs.error} what="jobs" />}
      {jobs.data && jobs.data.items.length === 0 && (
        <p className="muted">No background work for this model yet.</p>
      )}
      {jobs.data && jobs.data.items.length > 0 && (
        <ul className="jobs-list">
          {jobs.data.items.map((job) => (
            <li key={job.id}>
              <JobProgressView
                job={job}
                label={`${job.kind}${job.version !== null ? ` of v${job.version}` : ''}`}
                {...(!isJobFinished(job.state) ? { onCancel: () => cancel.mutate(job.id) } : {})}
                cancelling={cancel.isPending && cancel.variables === job.id}
              />
              <p className="muted job-meta">
                started by {job.created_by}, {formatDate(job.created_at)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
