import type { CliWriter } from './cli-io.js';

/** Steps slower than this report their time on stderr even without --verbose. */
export const SLOW_STEP_SECONDS = 0.5;

/** Times the long steps of a command (load, importance, prune, save) and reports them on stderr. */
export class Progress {
  constructor(
    private readonly stderr: CliWriter,
    private readonly verbose: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async step<T>(label: string, run: () => T | Promise<T>): Promise<T> {
    if (this.verbose) this.stderr.write(`${label} …\n`);
    const start = this.now();
    const result = await run();
    const seconds = (this.now() - start) / 1000;
    if (this.verbose || seconds > SLOW_STEP_SECONDS) {
      this.stderr.write(`${label}: ${seconds.toFixed(2)} s\n`);
    }
    return result;
  }
}
