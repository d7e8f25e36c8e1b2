// pnpm bench <target> [options]: runs one benchmark in a fresh Node process.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry file per target. Each runs in its own process, so one target's memory never skews another's. */
const TARGETS: Readonly<Record<string, string>> = {
  core: 'packages/core/bench/main.ts',
  compare: 'packages/core/bench/compare-main.ts',
  evaluation: 'packages/core/bench/evaluation-main.ts',
  'evaluation-api': 'packages/api/bench/evaluation-main.ts',
  api: 'packages/api/bench/main.ts',
  analysis: 'packages/api/bench/analysis-main.ts',
  scale: 'packages/api/bench/scale/main.ts',
  rewrite: 'packages/core/bench/rewrite/main.ts',
  prune: 'packages/api/bench/prune-main.ts',
};

const USAGE = `usage: pnpm bench <target> [--json] [target options]
targets: ${Object.keys(TARGETS).join(', ')}
  core [--json] [--small] [--threads N] [--reference SRC_DIR]   synthetic bert-base GRADIEND: save, load, importance, top-k, prune, encode, forward, peak RSS; with the reference Python library timed in the same run (SRC_DIR or $GRADIEND_REFERENCE_SRC)
  compare [--json] [--small]   unpruned synthetic bert-base vs two 1%-pruned: 3×3 cosine similarity matrix (target ≤ 3 s)
  evaluation [--json] [--small]   scorecard + 40-point pruning curve: 8 full-space samples (target curve ≤ 2× encode), 16 in a 1%-pruned root's space
  evaluation-api [--json] [--built]   the same through the real server: labeled-set uploads, scorecard and 40-point curve jobs (8 full-space per-sample files, 16 batched in a 1%-pruned root's space)
  api [--json] [--built] [--seconds N]   real server on loopback: encode req/s + p99 (digits JSON, 1%-pruned bert f32), each with its bare-fastify floor and ratio, upload/download MB/s and RSS growth of the 1.3 GB checkpoint
  analysis [--json] [--built]   unpruned synthetic bert-base on a real server: cold/warm latency of params, histograms, heatmap, top-k, prune preview, compare; prune 1 %; peak RSS
  rewrite [--json] [--small]   rewrite a ~440 MB BERT-base-shaped base with the unpruned and a 1 %-pruned GRADIEND (seconds, peak RSS over baseline) and write the 1 % model's sparse patch
  prune [--json] [--built] [--runs N]   real server on loopback: prune top-k 1% of the unpruned bert-base checkpoint N times (latency, server CPU, peak RSS)
  scale [--json] [--seconds N]   two instances on one PostgreSQL database and one s3rver bucket: reads and digits encode req/s + p99 across both, fails on any error or non-2xx`;

const [target, ...args] = process.argv.slice(2);
const entry = target === undefined ? undefined : TARGETS[target];
if (entry === undefined) {
  console.error(target === undefined ? USAGE : `unknown bench target '${target}'\n${USAGE}`);
  process.exit(2);
}

// process.execArgv carries tsx's loader; --expose-gc lets the benchmark free arrays between steps;
// the source condition resolves workspace packages to their TypeScript (no build needed).
const child = spawnSync(
  process.execPath,
  [...process.execArgv, '--expose-gc', '--conditions=@gradiend/source', path.join(root, entry), ...args],
  {
    stdio: 'inherit',
  },
);
if (child.error) throw child.error;
process.exit(child.status ?? 1);
