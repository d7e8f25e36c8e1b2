import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { apiUrl, encodeSegment, getJson } from './http';
import { ApiProblemError, networkProblem, parseProblem } from './problem';
import type { Job, JobList, JobState } from './contract';

export type { Job, JobState };

export function isJobFinished(state: JobState): boolean {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/** The job id in a `Location: /api/jobs/{id}` header (or an id as is). */
export function jobIdFromUrl(url: string): string {
  const match = /\/api\/jobs\/([^/?#]+)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : url;
}

/** How often a live job is polled. */
export const JOB_POLL_MS = 1000;

export const jobKeys = {
  job: (id: string) => ['job', id] as const,
  result: (id: string) => ['job', id, 'result'] as const,
  list: (model: string) => ['jobs', { model }] as const,
};

/** fetch that turns network failures and non-2xx answers into ApiProblemError. */
async function fetchOk(url: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    throw new ApiProblemError(networkProblem(error));
  }
  if (!res.ok) throw new ApiProblemError(parseProblem(res.status, res.statusText, await res.text()));
  return res;
}

/** Follows a job: polls it every second until it is done, failed or cancelled. */
export function useJob(id: string | null) {
  return useQuery({
    queryKey: jobKeys.job(id ?? ''),
    queryFn: ({ signal }) => getJson<Job>(apiUrl(`/jobs/${encodeSegment(id ?? '')}`), signal),
    enabled: id !== null && id !== '',
    refetchInterval: (query) => {
      const job = query.state.data;
      return job && isJobFinished(job.state) ? false : JOB_POLL_MS;
    },
  });
}

/** A done job's JSON result (stored once, so never refetched). */
export function useJobResult<T>(job: Job | undefined) {
  return useQuery({
    queryKey: jobKeys.result(job?.id ?? ''),
    queryFn: ({ signal }) => getJson<T>(job?.result?.href ?? '', signal),
    enabled: job?.state === 'done' && job.result !== null,
    staleTime: Infinity,
  });
}

export function useCancelJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      (await (
        await fetchOk(apiUrl(`/jobs/${encodeSegment(id)}`), {
          method: 'DELETE',
          headers: { accept: 'application/json' },
        })
      ).json()) as Job,
    onSuccess: (job) => {
      client.setQueryData(jobKeys.job(job.id), job);
      void client.invalidateQueries({ queryKey: ['jobs'] });
    },
  });
}

/** A model's recent jobs; polled while any of them is live. */
export function useModelJobs(model: string, limit = 10) {
  return useQuery({
    queryKey: jobKeys.list(model),
    queryFn: ({ signal }) => getJson<JobList>(apiUrl('/jobs', { model, limit }), signal),
    refetchInterval: (query) =>
      query.state.data?.items.some((j) => !isJobFinished(j.state)) ? JOB_POLL_MS * 2 : 15_000,
  });
}

/** What a route that may run a job answered: the result at once (200/201) or a job to follow (202). */
export type JobStart<T> = { readonly result: T } | { readonly job: Job };

/** POSTs to a route that answers 200 with the result or 202 + a job (e.g. `…/prune?async=1`). */
export async function startJob<T>(url: string, body: unknown): Promise<JobStart<T>> {
  const res = await fetchOk(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status === 202) return { job: (await res.json()) as Job };
  return { result: (await res.json()) as T };
}

/** GETs a route that answers 200 with the result (cached or quick) or 202 + a job to follow. */
export async function getJobOrResult<T>(url: string, signal?: AbortSignal): Promise<JobStart<T>> {
  const res = await fetchOk(url, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (res.status === 202) return { job: (await res.json()) as Job };
  return { result: (await res.json()) as T };
}

/**
 * A GET that may run as a job (`…/evaluation?set=`, `…/pruning-curve?…`): the answer when it is
 * at hand, else the job followed until its stored result is there. `url` null: nothing asked yet.
 */
export function useJobbedGet<T>(url: string | null) {
  const start = useQuery({
    queryKey: ['jobbed-get', url ?? ''],
    queryFn: ({ signal }) => getJobOrResult<T>(url ?? '', signal),
    enabled: url !== null,
    staleTime: 60_000,
  });
  const started = start.data;
  const jobId = started && 'job' in started ? started.job.id : null;
  const job = useJob(jobId);
  const stored = useJobResult<T>(job.data);
  const result = started === undefined ? null : 'result' in started ? started.result : (stored.data ?? null);
  return {
    result,
    /** The job to show progress (or its failure) of, while there is no result. */
    jobId: result === null ? jobId : null,
    pending: url !== null && start.isPending,
    error: start.error ?? stored.error ?? null,
  };
}

/**
 * The job a view follows, kept in the URL (`?job=<id>`), so a reload resumes following it.
 * `set(null)` forgets it (e.g. once its result is shown).
 */
export function useJobParam(name = 'job'): [string | null, (id: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const id = params.get(name);
  const set = useCallback(
    (next: string | null) =>
      setParams(
        (current) => {
          const copy = new URLSearchParams(current);
          if (next === null) copy.delete(name);
          else copy.set(name, next);
          return copy;
        },
        { replace: true },
      ),
    [name, setParams],
  );
  return [id, set];
}
