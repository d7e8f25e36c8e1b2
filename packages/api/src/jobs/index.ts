/**
 * The API's job mechanism, for routes and background work that take seconds to minutes.
 *
 * 1. Define a kind once (module scope), register it in your route plugin:
 *      export const summaryJob = defineJobKind<SummaryArgs, Summary>({
 *        name: 'analysis-summary',
 *        async run(args, { signal, progress }) {
 *          for (const part of parts) { signal.throwIfAborted(); …; progress(i / n, `importance of ${part}`); }
 *          return summary;                    // JSON → blob; or `new JobArtifact(bytes, type)`
 *        },
 *      });
 *      app.services.jobs.register(summaryJob);          // in the plugin, before the app is ready
 * 2. Answer a request with it (200 result | 202 + Location | the job's problem):
 *      return replyWithJob(request, reply, summaryJob,
 *        { args, key: jobKey('analysis-summary', { files: shas, part }), actor: request.principal.name,
 *          model: name, version }, { waitS: request.query.wait });
 *    with `querystring: Type.Composite([YourQuery, JobWaitQuery])` and `response: { …, ...JobAcceptedResponse }`.
 * 3. Or use the value inside other work: `await app.services.jobs.result(summaryJob, input, signal)`;
 *    start one in the background: `await app.services.jobs.submit(summaryJob, input)`.
 *
 * `args` must be JSON and enough for any instance to run the job (model name + version number,
 * request parameters); `key` must name content (sha256s), so a re-uploaded version gets a new key.
 */
export { defineJobKind, JobArtifact } from './job-kind.js';
export type { AnyJobKind, JobContext, JobKind, JobOutput } from './job-kind.js';
export { canonicalJson, jobKey } from './job-key.js';
export { JobService, problemError } from './job-service.js';
export type { SubmitInput, Submission } from './job-service.js';
export {
  JobAcceptedResponse,
  JobWaitQuery,
  MAX_JOB_WAIT_S,
  replyWithJob,
  sendJob,
} from './reply-with-job.js';
export { JobSchema, jobHref, jobJson, jobResultHref } from './job-json.js';
export type { JobJson } from './job-json.js';
export { isFinished, JOB_STATES } from './job-types.js';
export type { JobRecord, JobState, JobStore } from './job-types.js';
