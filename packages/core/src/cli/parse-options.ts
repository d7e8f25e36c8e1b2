import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { IMPORTANCE_PARTS } from '../model/importance.js';
import type { ImportancePart } from '../model/importance.js';
import type { TopKSpec } from '../model/prune-arguments.js';
import { UsageError } from './cli-errors.js';

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** node:util parseArgs in strict mode, with its errors turned into usage errors. */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    if (e instanceof TypeError && String((e as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(e.message);
    }
    throw e;
  }
}

export function expectPositionals(positionals: string[], names: readonly string[], extra = false): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`);
  }
  if (!extra && positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${positionals[names.length]}'`);
  }
  return positionals;
}

/**
 * A top-k from the command line: an integer is a count, `0.01` a fraction, `1%` a percentage.
 * Ranges are left to the model so its errors match the reference.
 */
export function parseTopK(text: string, flag: string): TopKSpec {
  const t = text.trim();
  const invalid = (): UsageError =>
    new UsageError(
      `${flag} must be an integer count, a fraction like 0.01 or a percentage like 1%, got '${text}'`,
    );
  if (t.endsWith('%')) {
    const body = t.slice(0, -1).trim();
    const v = Number(body);
    if (body === '' || !Number.isFinite(v)) throw invalid();
    return { fraction: v / 100 };
  }
  if (/^[+-]?\d+$/.test(t)) {
    const v = Number(t);
    if (!Number.isSafeInteger(v)) throw invalid();
    return { count: v };
  }
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) throw invalid();
  return { fraction: v };
}

export function describeTopK(spec: TopKSpec): string {
  if (typeof spec === 'number') return String(spec);
  return 'count' in spec ? String(spec.count) : `${Number((spec.fraction * 100).toPrecision(12))}%`;
}

export function parseNumber(text: string, flag: string): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v))
    throw new UsageError(`${flag} must be a number, got '${text}'`);
  return v;
}

export function parsePart(text: string | undefined): ImportancePart {
  const p = (text ?? 'decoder-weight').toLowerCase();
  if (!(IMPORTANCE_PARTS as readonly string[]).includes(p)) {
    throw new UsageError(`--part must be one of ${IMPORTANCE_PARTS.join(', ')}, got '${text}'`);
  }
  return p as ImportancePart;
}

/** The `--part` line of a command's help, its description starting at column `width`. */
export function partHelp(width: number): string {
  return `${'--part P'.padEnd(width)}which weights rank the inputs (default decoder-weight):
${' '.repeat(width + 2)}${IMPORTANCE_PARTS.join(', ')}`;
}
