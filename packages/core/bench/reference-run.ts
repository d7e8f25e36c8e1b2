import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEEDUP_TARGETS } from './targets.js';
import { STEPS } from './steps.js';
import type { Step } from './steps.js';

/** The interpreter that has torch here (Debian's python3-torch); GRADIEND_REFERENCE_PYTHON overrides it. */
export const DEFAULT_REFERENCE_PYTHON = '/usr/bin/python3';

export const REFERENCE_SCRIPT = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'reference-timings.py',
);

/** What the reference library measured in this run (reference-timings.py's `measure` output). */
export interface ReferenceTimings {
  readonly seconds: Partial<Record<Step, number>>;
  /** ru_maxrss of the measuring Python process, including its own encode batch. */
  readonly peakRssBytes: number;
  readonly batchBytes: number;
  readonly inputDim: number;
  readonly torchVersion: string;
  readonly threads: number;
  readonly pythonVersion: string;
  /** The reference loads pytorch_model.bin (no safetensors package for this Python); ours loads model.safetensors. */
  readonly weightsFile: string;
}

export type ReferenceOutcome =
  | { readonly reference: ReferenceTimings; readonly reason?: undefined }
  | { readonly reference: null; readonly reason: string };

export class ReferenceOutputError extends Error {
  override readonly name = 'ReferenceOutputError';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new ReferenceOutputError(
      `reference output: ${what} must be a positive number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') {
    throw new ReferenceOutputError(
      `reference output: ${what} must be a non-empty string, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/**
 * Parses the JSON object the script prints as its last stdout line (the reference may log above it).
 * Every step with a speed-up target must be timed, and the input_dim must be ours: a reference that
 * measured something else must not produce a speed-up.
 */
export function parseReferenceOutput(stdout: string, expectedInputDim: number): ReferenceTimings {
  const last = stdout.trimEnd().split('\n').at(-1)?.trim() ?? '';
  if (last === '') throw new ReferenceOutputError('reference output: the script printed nothing on stdout');
  let raw: unknown;
  try {
    raw = JSON.parse(last);
  } catch {
    throw new ReferenceOutputError(
      `reference output: the last stdout line is not JSON: ${last.slice(0, 200)}`,
    );
  }
  if (!isRecord(raw)) throw new ReferenceOutputError('reference output: expected one JSON object');
  const secondsRaw = raw['seconds'];
  if (!isRecord(secondsRaw)) throw new ReferenceOutputError('reference output: "seconds" must be an object');
  const seconds: Partial<Record<Step, number>> = {};
  for (const [key, value] of Object.entries(secondsRaw)) {
    const step = STEPS.find((s) => s === key);
    if (step === undefined)
      throw new ReferenceOutputError(`reference output: unknown step "${key}" in "seconds"`);
    seconds[step] = positiveNumber(value, `seconds.${key}`);
  }
  for (const step of STEPS) {
    if (SPEEDUP_TARGETS[step] !== undefined && seconds[step] === undefined) {
      throw new ReferenceOutputError(`reference output: "seconds" has no "${step}"`);
    }
  }
  const inputDim = positiveNumber(raw['input_dim'], 'input_dim');
  if (inputDim !== expectedInputDim) {
    throw new ReferenceOutputError(
      `reference output: input_dim ${inputDim} differs from the benchmark's ${expectedInputDim}`,
    );
  }
  const threads = positiveNumber(raw['threads'], 'threads');
  if (!Number.isInteger(threads))
    throw new ReferenceOutputError(`reference output: threads ${threads} is not an integer`);
  return {
    seconds,
    peakRssBytes: positiveNumber(raw['peak_rss_bytes'], 'peak_rss_bytes'),
    batchBytes: positiveNumber(raw['batch_bytes'], 'batch_bytes'),
    inputDim,
    torchVersion: text(raw['torch_version'], 'torch_version'),
    threads,
    pythonVersion: text(raw['python_version'], 'python_version'),
    weightsFile: text(raw['weights_file'], 'weights_file'),
  };
}

/** The reference source folder: the --reference option, else GRADIEND_REFERENCE_SRC, else null. */
export function referenceSource(option: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (option !== null && option !== '') return option;
  const fromEnv = env['GRADIEND_REFERENCE_SRC'];
  return fromEnv === undefined || fromEnv === '' ? null : fromEnv;
}

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastLines(s: string, n = 3): string {
  return s.trim().split('\n').slice(-n).join(' | ');
}

/** Exit code 3 is the script's "cannot measure" (no torch, no reference): its stderr line is the reason. */
function failure(what: string, r: RunResult): string {
  return r.code === 3 ? lastLines(r.stderr, 1) : `${what} failed (exit ${r.code}): ${lastLines(r.stderr)}`;
}

export interface ReferenceRunOptions {
  /** The reference source folder (holds the `gradiend` package), put on PYTHONPATH. */
  readonly source: string;
  /** The checkpoint our steps used (config.json + model.safetensors). */
  readonly checkpointDir: string;
  readonly inputDim: number;
  /** torch's thread count; by default torch's own (1 on this machine), as issue 16 defines the reference. */
  readonly threads?: number | undefined;
  readonly python?: string | undefined;
  readonly script?: string | undefined;
}

/**
 * Writes a pytorch_model.bin copy of the checkpoint into a temp folder (one Python process), times the
 * reference on it (a second, fresh process, so its peak RSS is its own) and deletes the copy. Every
 * failure becomes `reference: null` with the reason: a missing measurement is reported, never guessed.
 */
export async function runReference(options: ReferenceRunOptions): Promise<ReferenceOutcome> {
  const python = options.python ?? DEFAULT_REFERENCE_PYTHON;
  const script = options.script ?? REFERENCE_SCRIPT;
  if (!existsSync(path.join(options.source, 'gradiend'))) {
    return { reference: null, reason: `${options.source} has no gradiend package folder` };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-ref-'));
  try {
    const env = {
      ...process.env,
      PYTHONPATH: [options.source, process.env['PYTHONPATH']].filter(Boolean).join(':'),
    };
    let prepared: RunResult;
    try {
      prepared = await run(python, [script, 'prepare', options.checkpointDir, dir], env);
    } catch (e) {
      return { reference: null, reason: `cannot run ${python}: ${(e as Error).message}` };
    }
    if (prepared.code !== 0)
      return { reference: null, reason: failure('writing pytorch_model.bin', prepared) };
    const measured = await run(
      python,
      [
        script,
        'measure',
        dir,
        ...(options.threads === undefined ? [] : ['--threads', String(options.threads)]),
        '--save',
      ],
      env,
    );
    if (measured.code !== 0) return { reference: null, reason: failure('the reference run', measured) };
    try {
      return { reference: parseReferenceOutput(measured.stdout, options.inputDim) };
    } catch (e) {
      if (e instanceof ReferenceOutputError) return { reference: null, reason: e.message };
      throw e;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
