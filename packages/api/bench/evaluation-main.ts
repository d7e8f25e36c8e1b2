// pnpm bench evaluation-api [--json] [--built]: issue 12's evaluation through the API on the
// unpruned BERT-shaped model. Starts the real server (one worker) on loopback with a temp data dir,
// uploads the 1.3 GB checkpoint, prunes it to 1 % (the root of a 16-sample batched set given in its
// space) and uploads an 8-sample per-sample set in the full space (8 × 435 MB, written and streamed
// from disk); then times the scorecard and the 40-point pruning curve of each, as jobs. The
// full-space curve is compared with the warm scorecard of the same samples, i.e. one encode of them
// plus reading them (target ≤ 2×).
import { open, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBertCheckpoint } from './bert-checkpoint.js';
import { toJson, toTable, type Measurement } from './report.js';
import { RssSampler, startServer } from './server-process.js';
import { uploadFolder, uploadForm, type FormPart } from './transfer.js';

const GIB = 1024 * 1024 * 1024;
const CURVE_TARGET_RATIO = 2;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    built: { type: 'boolean', default: false },
  },
});
const log = (line: string) => process.stderr.write(`bench evaluation-api: ${line}\n`);

/** Deterministic noise in ±scale (xorshift32), plus `shift`: class-dependent, so the set has two classes. */
function fill(out: Float32Array, seed: number, scale: number, shift: number): number {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s / 0xffffffff) * 2 - 1) * scale + shift;
  }
  return s;
}

/** Writes a float32 safetensors file tensor by tensor (each generated, written, dropped). */
async function writeSafetensors(
  file: string,
  tensors: readonly { name: string; shape: readonly number[] }[],
  generate: (index: number, out: Float32Array) => void,
): Promise<void> {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    const bytes = 4 * t.shape.reduce((a, b) => a * b, 1);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const handle = await open(file, 'w');
  try {
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    await handle.write(prefix);
    await handle.write(Buffer.from(json));
    for (const [i, t] of tensors.entries()) {
      // One tensor at a time (the largest, the word embeddings, is 94 MB).
      const numel = t.shape.reduce((a, b) => a * b, 1);
      const out = new Float32Array(numel);
      generate(i, out);
      await handle.write(new Uint8Array(out.buffer));
    }
  } finally {
    await handle.close();
  }
}

/** GETs a job route until it answers 200 (following 202s with `wait`); seconds and body. */
async function untilDone(url: string): Promise<{ seconds: number; body: unknown }> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${url}&wait=60`);
    const text = await response.text();
    if (response.status === 200)
      return { seconds: (performance.now() - started) / 1000, body: JSON.parse(text) };
    if (response.status !== 202) throw new Error(`${url} answered ${response.status}: ${text}`);
  }
}

/** POSTs a job route until it answers 200 (following 202s with `wait`); seconds and body. */
async function postUntilDone(url: string, body: unknown): Promise<{ seconds: number; body: unknown }> {
  const started = performance.now();
  for (;;) {
    const response = await fetch(`${url}?wait=60`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 200)
      return { seconds: (performance.now() - started) / 1000, body: JSON.parse(text) };
    if (response.status !== 202) throw new Error(`${url} answered ${response.status}: ${text}`);
  }
}

log('preparing the unpruned BERT-shaped checkpoint (generated once, then reused)…');
const checkpoint = ensureBertCheckpoint();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-evaluation-'));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'gradiend-bench-evaluation-sets-'));
const server = await startServer({
  dataDir,
  built: values.built,
  env: { GRADIEND_SEED_DEMO: 'off', GRADIEND_WORKERS: '1', GRADIEND_BACKGROUND_ANALYSIS: 'off' },
});
const results: Measurement[] = [];
try {
  const api = `${server.url}/api`;
  const models = `${api}/models/bert-base`;
  log(`uploading ${checkpoint}…`);
  const up = await uploadFolder(
    `${models}/versions`,
    ['config.json', 'model.safetensors'].map((f) => path.join(checkpoint, f)),
  );
  if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.body}`);
  const full = JSON.parse(up.body) as { input_dim: number; param_map: { name: string; shape: number[] }[] };
  log('pruning to 1 % (the root of the 16-sample set)…');
  const pruned = await fetch(`${models}/versions/1/prune`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topk: '1%' }),
  });
  const prunedText = await pruned.text();
  if (pruned.status !== 201) throw new Error(`prune answered ${pruned.status}: ${prunedText}`);
  const root = JSON.parse(prunedText) as { version: number; input_dim: number };

  const labels = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1));

  log(`writing the 16-sample batched set [16, ${root.input_dim}]…`);
  const batchedFile = path.join(scratch, 'root-space.safetensors');
  const rootLabels = labels(16);
  await writeSafetensors(batchedFile, [{ name: 'gradients', shape: [16, root.input_dim] }], (_, out) => {
    for (let r = 0; r < 16; r++)
      fill(
        out.subarray(r * root.input_dim, (r + 1) * root.input_dim),
        7 + r,
        1e-3,
        2e-4 * (rootLabels[r] ?? 0),
      );
  });
  await writeFile(
    path.join(scratch, 'root-manifest.json'),
    JSON.stringify(rootLabels.map((label, row) => ({ row, label, type: 'training' }))),
  );
  const rootUpload = await uploadForm(`${models}/labeled-sets`, [
    { field: 'name', value: 'root-space' },
    { field: 'version', value: String(root.version) },
    { field: 'manifest', file: path.join(scratch, 'root-manifest.json'), filename: 'manifest.json' },
    { field: 'gradients', file: batchedFile },
  ]);
  if (rootUpload.status !== 201)
    throw new Error(`set upload answered ${rootUpload.status}: ${rootUpload.body}`);
  await rm(batchedFile);

  log('writing the 8-sample full-space set (per-sample per-parameter files, 8 × 435 MB)…');
  const fullLabels = labels(8);
  const params = full.param_map.map((p) => ({ name: p.name, shape: p.shape }));
  const sampleFiles: FormPart[] = [];
  for (const [i, label] of fullLabels.entries()) {
    const file = path.join(scratch, `sample-${i}.safetensors`);
    await writeSafetensors(file, params, (p, out) => fill(out, 1000 * (i + 1) + p, 1e-3, 2e-4 * label));
    sampleFiles.push({ field: 'gradients', file });
  }
  const manifest = (split: string) =>
    JSON.stringify(
      fullLabels.map((label, i) => ({
        file: `sample-${i}.safetensors`,
        label,
        type: 'training',
        data_split: split,
      })),
    );
  // Two sets of the same gradients (their blobs are shared): the second one's scorecard runs warm.
  const fullUploads: number[] = [];
  for (const name of ['full-space', 'full-space-warm']) {
    await writeFile(path.join(scratch, 'full-manifest.json'), manifest(name));
    const res = await uploadForm(`${models}/labeled-sets`, [
      { field: 'name', value: name },
      { field: 'version', value: '1' },
      { field: 'manifest', file: path.join(scratch, 'full-manifest.json'), filename: 'manifest.json' },
      ...sampleFiles,
    ]);
    if (res.status !== 201) throw new Error(`set upload answered ${res.status}: ${res.body}`);
    fullUploads.push(res.seconds);
    log(`uploaded ${name}: ${(res.bytes / GIB).toFixed(2)} GiB in ${res.seconds.toFixed(1)} s`);
  }
  await rm(scratch, { recursive: true, force: true });

  const rss = new RssSampler(server.pid);
  log('scorecard, full space (first)…');
  const coldScore = await untilDone(`${models}/versions/1/evaluation?set=full-space`);
  log(`  ${coldScore.seconds.toFixed(2)} s`);
  log('40-point curve, full space…');
  const fullCurve = await untilDone(`${models}/versions/1/pruning-curve?set=full-space&points=40`);
  log(`  ${fullCurve.seconds.toFixed(2)} s`);
  log('scorecard, full space (warm)…');
  const warmScore = await untilDone(`${models}/versions/1/evaluation?set=full-space-warm`);
  log(`  ${warmScore.seconds.toFixed(2)} s`);
  log("scorecard and curve, 16 samples in the 1 %-pruned root's space…");
  const rootScore = await untilDone(`${models}/versions/${root.version}/evaluation?set=root-space`);
  const rootCurve = await untilDone(
    `${models}/versions/${root.version}/pruning-curve?set=root-space&points=40`,
  );
  const cached = await untilDone(`${models}/versions/1/pruning-curve?set=full-space&points=40`);
  log('cross-encoding: the unpruned version and its root × the two sets…');
  const crossBody = {
    rows: ['bert-base@1', `bert-base@${root.version}`],
    columns: [
      { model: 'bert-base', set: 'full-space' },
      { model: 'bert-base', set: 'root-space' },
    ],
    // The unpruned version reads dims the root's set does not hold: that cell stays empty.
    allow_incomplete: true,
  };
  const coldCross = await postUntilDone(`${api}/compare/cross-encoding`, crossBody);
  const warmCross = await postUntilDone(`${api}/compare/cross-encoding`, crossBody);
  log(`  ${coldCross.seconds.toFixed(2)} s, again ${warmCross.seconds.toFixed(3)} s`);
  const memory = rss.stop();

  const points = (fullCurve.body as { points: unknown[] }).points.length;
  const ratio = fullCurve.seconds / warmScore.seconds;
  const correlation = (b: unknown) => (b as { metrics: { correlation: number } }).metrics.correlation;
  results.push(
    {
      name: 'upload 8 full-space samples (3.5 GB)',
      value: fullUploads[0] ?? 0,
      unit: 's',
      note: `second set of the same files: ${fullUploads[1]?.toFixed(1)} s`,
    },
    {
      name: 'scorecard, 8 full-space samples (first)',
      value: coldScore.seconds,
      unit: 's',
      note: `the one worker still holds the model from the prune; correlation ${correlation(coldScore.body).toFixed(3)}`,
    },
    {
      name: 'scorecard, 8 full-space samples (warm)',
      value: warmScore.seconds,
      unit: 's',
      note: 'read every sample parameter by parameter + encode + scorecard',
    },
    {
      name: `${points}-point curve, 8 full-space samples`,
      value: fullCurve.seconds,
      unit: 's',
      note: 'ranking + reading + partial-sum encode per sample (its last point is the encode) + 40 scorecards',
    },
    {
      name: 'full-space curve / warm scorecard',
      value: ratio,
      unit: '×',
      target: { max: CURVE_TARGET_RATIO },
    },
    {
      name: "scorecard, 16 samples in a 1 %-pruned root's space",
      value: rootScore.seconds,
      unit: 's',
      note: `${root.input_dim} dims`,
    },
    { name: "40-point curve, 16 samples in the root's space", value: rootCurve.seconds, unit: 's' },
    { name: 'the same curve again (cached job)', value: cached.seconds, unit: 's' },
    {
      name: 'cross-encoding 2×2 (unpruned + root × full-space + root-space sets)',
      value: coldCross.seconds,
      unit: 's',
      note: `request to answer, 3 cells encoded (${(coldCross.body as { unavailable: unknown[] }).unavailable.length} left empty: outside the root's space)`,
    },
    { name: 'the same cross-encoding again (cached job)', value: warmCross.seconds, unit: 's' },
    {
      name: 'server peak RSS during evaluation',
      value: memory.peak / GIB,
      unit: 'GiB',
      note: `VmHWM ${(memory.hwm / GIB).toFixed(2)} GiB (includes the uploads)`,
    },
  );
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
}

const context = { mode: values.built ? 'built' : 'tsx', cpus: os.cpus().length, node: process.version };
console.log(values.json ? toJson(results, context) : toTable(results));
