import { ApiError } from '../errors/api-error.js';

interface Waiter {
  readonly bytes: number;
  readonly grant: (release: () => void) => void;
  readonly timer: NodeJS.Timeout | null;
}

/** What a MemoryBudget reports (e.g. for /metrics or tests). */
export interface MemoryBudgetState {
  readonly capacity: number;
  readonly used: number;
  readonly running: number;
  readonly waiting: number;
}

/**
 * A per-instance budget of working memory for heavy tasks. Each task takes its estimated bytes
 * before it starts and gives them back when it ends; tasks that do not fit wait in FIFO order (so
 * a large task is not starved by small ones), at most `maxWaiting` of them for at most `maxWaitMs`.
 * Past either limit the request is answered 503 with Retry-After instead of queueing more work
 * than the instance can hold.
 */
export class MemoryBudget {
  private used = 0;
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly capacity: number,
    private readonly maxWaiting: number,
    private readonly maxWaitMs: number,
    /** What Retry-After says when the budget turns a request away. */
    private readonly retryAfterS = 2,
  ) {
    if (!(capacity > 0)) throw new RangeError(`memory budget must be positive, got ${capacity}`);
  }

  /**
   * Waits until `bytes` fit and returns the function that gives them back (call it exactly once).
   * A task estimated above the whole budget runs alone: it waits until nothing else runs.
   */
  acquire(bytes: number): Promise<() => void> {
    const share = Math.min(Math.max(0, Math.ceil(bytes)), this.capacity);
    if (this.queue.length === 0 && this.fits(share)) return Promise.resolve(this.take(share));
    if (this.queue.length >= this.maxWaiting) {
      return Promise.reject(this.busy(`${this.queue.length} heavy tasks are already waiting for memory`));
    }
    return new Promise((resolve, reject) => {
      const timer =
        this.maxWaitMs > 0
          ? setTimeout(() => {
              const at = this.queue.indexOf(waiter);
              if (at >= 0) this.queue.splice(at, 1);
              reject(this.busy(`no memory for this task within ${this.maxWaitMs} ms`));
              this.drain();
            }, this.maxWaitMs)
          : null;
      const waiter: Waiter = { bytes: share, grant: resolve, timer };
      this.queue.push(waiter);
    });
  }

  /**
   * Charges `bytes` held outside any task (e.g. cached arrays in shared memory) at once, without
   * waiting: tasks then fit into what is left (one still runs when no other task does). Returns
   * the function that gives them back (call it exactly once).
   */
  hold(bytes: number): () => void {
    const share = Math.max(0, Math.ceil(bytes));
    this.used += share;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= share;
      this.drain();
    };
  }

  state(): MemoryBudgetState {
    return { capacity: this.capacity, used: this.used, running: this.running, waiting: this.queue.length };
  }

  private fits(bytes: number): boolean {
    return this.running === 0 || this.used + bytes <= this.capacity;
  }

  private take(bytes: number): () => void {
    this.used += bytes;
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.running -= 1;
      this.drain();
    };
  }

  private drain(): void {
    for (let head = this.queue[0]; head && this.fits(head.bytes); head = this.queue[0]) {
      this.queue.shift();
      if (head.timer) clearTimeout(head.timer);
      head.grant(this.take(head.bytes));
    }
  }

  private busy(detail: string): ApiError {
    return new ApiError(
      'GRADIEND_ERR_SERVER_BUSY',
      `${detail}; the instance's analysis memory budget (${this.capacity} bytes) is in use, retry later`,
      { retry_after: this.retryAfterS },
    );
  }
}
