import type { CliIo } from './cli-io.js';
import type { Progress } from './progress.js';

export interface CommandContext {
  readonly io: CliIo;
  readonly progress: Progress;
}

/** One `gradiend <name>` subcommand. `run` returns the exit code; it throws UsageError or domain errors. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  run(args: string[], ctx: CommandContext): Promise<number>;
}
