/**
 * What a job kind's handler gets besides its arguments. Handlers run on whichever instance claimed
 * the job, so everything they need must be in `args` (JSON) or in the services they close over.
 */
export interface JobContext {
  /**
   * Aborted when the job is cancelled, its lease is lost or the instance shuts down. Check it at
   * chunk boundaries (`signal.throwIfAborted()`) and pass it on to cancellable work.
   */
  readonly signal: AbortSignal;
  /** Reports progress: `fraction` in 0…1, `what` names the step ("importance of decoder-weight"). */
  progress(fraction: number, what?: string): void;
  readonly job: { readonly id: string; readonly actor: string; readonly attempt: number };
}

/** A non-JSON result (a CSV, a safetensors file…): stored as these bytes with this content type. */
export class JobArtifact {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

/** A result is stored as JSON (`application/json`) unless the handler returns a JobArtifact. */
export type JobOutput<R> = R | JobArtifact;

export interface JobKind<A = unknown, R = unknown> {
  /** Unique name, e.g. `analysis-summary`; also the `kind` of its jobs and a metrics label. */
  readonly name: string;
  readonly run: (args: A, context: JobContext) => Promise<JobOutput<R>>;
  /**
   * Whether a new request joins a done job with the same key (serving its stored result) instead
   * of computing again. Default true: keys name pure computations. False for operations whose
   * result may go stale (a prune's new version can be deleted).
   */
  readonly reuseDone?: boolean;
  /** Attempts before a job whose instances keep dying is failed; default from the config. */
  readonly maxAttempts?: number;
}

/** Identity helper that infers `A` and `R` from `run`. */
export function defineJobKind<A, R>(kind: JobKind<A, R>): JobKind<A, R> {
  return kind;
}

/** A kind of any argument and result type (lists of kinds to register). */
// `never` args: a handler for specific args is assignable here (parameters are contravariant).
export type AnyJobKind = JobKind<never, unknown>;
