import autocannon from 'autocannon';

export interface InstanceLoad {
  readonly base: string;
  readonly connections: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly non2xx: number;
}

export interface SplitLoadOptions {
  readonly bases: readonly string[];
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Total connections, spread as evenly as possible over the instances. */
  readonly connections: number;
  readonly seconds: number;
}

/** One bounded autocannon run per instance, all at the same time (a load balancer's view). */
export async function splitLoad(options: SplitLoadOptions): Promise<InstanceLoad[]> {
  const n = options.bases.length;
  return Promise.all(
    options.bases.map(async (base, i) => {
      const connections = Math.floor(options.connections / n) + (i < options.connections % n ? 1 : 0);
      const result = await autocannon({
        url: `${base}${options.path}`,
        method: options.method,
        headers: { ...options.headers },
        ...(options.body === undefined ? {} : { body: options.body }),
        connections,
        duration: options.seconds,
        timeout: 10,
      });
      return {
        base,
        connections,
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests: result.requests.total,
        errors: result.errors,
        non2xx: result.non2xx,
      };
    }),
  );
}
