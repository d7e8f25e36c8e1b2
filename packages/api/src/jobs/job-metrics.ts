import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { JobObserver } from './job-service.js';
import type { JobStore } from './job-types.js';

/**
 * Job metrics in the app's registry. Queue depth and running jobs are read from the shared store
 * at scrape time, so every instance reports the cluster's numbers (use `max` across instances, not
 * `sum`); durations and outcomes are this instance's runs.
 */
export function registerJobMetrics(registry: Registry, store: JobStore): JobObserver {
  const live = async (state: 'queued' | 'running', gauge: Gauge<'kind'>): Promise<void> => {
    gauge.reset();
    for (const c of await store.liveCounts()) if (c.state === state) gauge.set({ kind: c.kind }, c.n);
  };
  new Gauge({
    name: 'gradiend_jobs_queued',
    help: 'Jobs waiting for an instance, by kind (all instances)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      await live('queued', this);
    },
  });
  new Gauge({
    name: 'gradiend_jobs_running',
    help: 'Jobs being computed, by kind (all instances)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      await live('running', this);
    },
  });
  const submitted = new Counter({
    name: 'gradiend_jobs_submitted_total',
    help: 'Job submissions by kind and whether they joined an existing job',
    labelNames: ['kind', 'joined'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gradiend_job_duration_seconds',
    help: 'Runs of jobs on this instance by kind and outcome (done, failed, cancelled, released)',
    labelNames: ['kind', 'outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  return {
    submitted: (kind, joined) => submitted.inc({ kind, joined: joined ? 'true' : 'false' }),
    finished: (job, outcome, seconds) => duration.observe({ kind: job.kind, outcome }, seconds),
  };
}
