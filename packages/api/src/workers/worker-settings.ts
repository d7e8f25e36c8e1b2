import { workerData } from 'node:worker_threads';

/** What the server tells each worker thread about its limits (piscina's workerData). */
export interface WorkerSettings {
  /** V8 old-generation limit of the worker, in MiB (typed arrays live outside it). */
  readonly heapLimitMb: number;
  /** Loaded models a worker keeps between tasks, in stored bytes; 0 keeps none. */
  readonly modelCacheBytes: number;
}

const MIB = 1024 * 1024;

/**
 * Worker limits from the instance's memory budget: the models the workers keep between tasks take
 * a quarter of it (so a BERT-sized model stays loaded on a large machine, and is reloaded per task
 * on a small one), and each heap may grow to a share of the budget but at most 4 GiB — typed
 * arrays, where the large data lives, are not on the heap, so a heap that grows past this is a bug
 * (e.g. boxing 10^8 numbers) and kills that worker instead of the server.
 */
export function workerSettings(budgetBytes: number, threads: number): WorkerSettings {
  const perWorker = budgetBytes / Math.max(1, threads);
  return {
    heapLimitMb: Math.max(256, Math.min(4096, Math.floor(perWorker / 4 / MIB))),
    modelCacheBytes: Math.floor(perWorker / 4),
  };
}

/** This thread's settings: from the pool on a worker, unlimited caching inline (tests, workers 0). */
export function currentWorkerSettings(): WorkerSettings {
  const data = workerData as Partial<WorkerSettings> | null | undefined;
  return {
    heapLimitMb: data?.heapLimitMb ?? Number.POSITIVE_INFINITY,
    modelCacheBytes: data?.modelCacheBytes ?? Number.POSITIVE_INFINITY,
  };
}
