import { CheckpointError, GradiendError } from '../errors.js';
import { UsageError } from './cli-errors.js';
import { writeJson, writeLine } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import type { Command } from './command.js';
import { encodeCommand } from './commands/encode.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportOnnxCommand } from './commands/export-onnx.js';
import { importanceCommand } from './commands/importance.js';
import { inspectCommand } from './commands/inspect.js';
import { pruneCommand } from './commands/prune.js';
import { patchCommand, rewriteCommand } from './commands/rewrite.js';
import { trainCommand } from './commands/train.js';
import { formatTable } from './format-table.js';
import { Progress } from './progress.js';

export type { CliIo, CliWriter } from './cli-io.js';

export const COMMANDS: readonly Command[] = [
  inspectCommand,
  importanceCommand,
  pruneCommand,
  encodeCommand,
  evaluateCommand,
  exportOnnxCommand,
  trainCommand,
  rewriteCommand,
  patchCommand,
];

function mainUsage(): string {
  const table = formatTable(
    [{ header: 'command' }, { header: 'what it does' }],
    COMMANDS.map((c) => [c.name, c.summary]),
  )
    .slice(1)
    .map((l) => `  ${l}`);
  return [
    'usage: gradiend <command> [options]',
    '',
    'commands:',
    ...table,
    '',
    'Every command takes --json (one JSON document on stdout), --verbose and --help.',
    'Exit codes: 0 ok, 1 error (bad checkpoint or input), 2 usage error.',
  ].join('\n');
}

/** Runs `gradiend <command> …` and returns the exit code; never throws. */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    writeLine(io.stderr, mainUsage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const target = args[0] === undefined ? undefined : COMMANDS.find((c) => c.name === args[0]);
    writeLine(io.stdout, target ? target.help : mainUsage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    writeLine(io.stderr, `error: unknown command '${name}'\n\n${mainUsage()}`);
    return 2;
  }
  const options = args.slice(0, dashDashIndex(args));
  if (options.includes('--help') || options.includes('-h')) {
    writeLine(io.stdout, command.help);
    return 0;
  }
  const verbose = options.includes('--verbose') || options.includes('-v');
  const json = options.includes('--json');
  try {
    return await command.run(args, { io, progress: new Progress(io.stderr, verbose) });
  } catch (e) {
    if (e instanceof UsageError) {
      writeLine(io.stderr, `error: ${e.message}\n\n${command.help}`);
      return 2;
    }
    const code = errorCode(e);
    // Core messages name no folders (they may reach API clients); here the user wants to see which.
    const folder = e instanceof CheckpointError && e.folder !== undefined ? `: ${e.folder}` : '';
    const message = (e instanceof Error ? e.message : String(e)) + folder;
    writeLine(io.stderr, `error: ${message}${code ? ` [${code}]` : ''}`);
    if (verbose && e instanceof Error && !(e instanceof GradiendError) && e.stack) {
      writeLine(io.stderr, e.stack);
    }
    if (json) writeJson(io.stdout, { error: { code: code ?? null, message } });
    return 1;
  }
}

function dashDashIndex(args: readonly string[]): number {
  const i = args.indexOf('--');
  return i === -1 ? args.length : i;
}

/** Our domain error code, or a Node system error code such as ENOENT. */
function errorCode(e: unknown): string | undefined {
  if (e instanceof GradiendError) return e.code;
  if (e instanceof Error && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}
