import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RewriteError } from '../../errors.js';
import { JsonNumber, JsonObject, parseJson, toPlain } from '../../json/index.js';
import { readSafetensorsBuffer } from '../../safetensors/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { toFloat64 } from '../../tensor/convert.js';
import { addInDType } from '../../rewrite/add-in-dtype.js';
import { isRewritableDType } from '../../rewrite/rewrite-plan.js';
import { isRewritePart } from '../../rewrite/rewrite-part.js';
import { openGradiendWeightSource } from '../../rewrite/gradiend-weight-source.js';
import type { GradiendWeightSource } from '../../rewrite/gradiend-weight-source.js';
import { rewriteBaseModel } from '../../rewrite/rewrite-base-model.js';
import type { RewriteOptions } from '../../rewrite/rewrite-base-model.js';
import { PATCH_INDICES_SUFFIX, PATCH_VALUES_SUFFIX, writeSparsePatch } from '../../rewrite/sparse-patch.js';
import { TOLERANCES, closeTo, sameBytes } from './compare.js';
import type { Tolerance } from './compare.js';
import { listCaseDirs, type ConformanceFamily, type RecordCheck } from './family.js';

const REWRITE_DIR = 'rewrite';

const TOLERANCE_BY_DTYPE: Record<string, Tolerance | undefined> = {
  F32: TOLERANCES.float32,
  F64: TOLERANCES.float64,
  F16: TOLERANCES.float16,
  BF16: TOLERANCES.bfloat16,
};

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

/**
 * Base-model rewrites made by the reference's rewrite_base_model: `<case>/rewrite/<ckpt>/` holds
 * the base weights, the expected rewritten weights per call, and the calls' arguments. Each call is
 * run through rewriteBaseModel (files in, file out) and through the sparse patch applied here.
 */
export const rewriteFamily: ConformanceFamily = {
  name: 'rewrite',
  listCases(fixturesDir) {
    return listCaseDirs(fixturesDir, (dir) => isDir(path.join(dir, REWRITE_DIR)));
  },
  async runCase(caseDir, _caseName, record) {
    const root = path.join(caseDir, REWRITE_DIR);
    const out = await mkdtemp(path.join(os.tmpdir(), 'gradiend-rewrite-conformance-'));
    try {
      for (const ckpt of (await readdir(root)).sort()) {
        if (await isDir(path.join(root, ckpt))) await runCheckpoint(caseDir, ckpt, out, record);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
};

async function readTensors(file: string): Promise<Map<string, Tensor>> {
  return readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
}

function rewriteOptions(args: JsonObject): RewriteOptions {
  const lr = args.get('learning_rate');
  const ff = args.get('feature_factor');
  const part = args.get('part');
  const featureFactor =
    ff instanceof JsonNumber
      ? ff.value
      : Array.isArray(ff)
        ? ff.map((v) => (v instanceof JsonNumber ? v.value : NaN))
        : undefined;
  return {
    learningRate: lr instanceof JsonNumber ? lr.value : NaN,
    featureFactor,
    part: typeof part === 'string' && isRewritePart(part) ? part : (part as never),
  };
}

async function runCheckpoint(caseDir: string, ckpt: string, out: string, record: RecordCheck): Promise<void> {
  const dir = path.join(caseDir, REWRITE_DIR, ckpt);
  const expected = parseJson(await readFile(path.join(dir, 'expected.json'), 'utf8'));
  if (!(expected instanceof JsonObject)) throw new Error(`${ckpt}/expected.json is not an object`);
  const checkpoint = expected.get('checkpoint');
  const source = await openGradiendWeightSource(
    path.join(caseDir, typeof checkpoint === 'string' ? checkpoint : ckpt),
  );
  try {
    const basePath = path.join(dir, 'base.safetensors');
    const base = await readTensors(basePath);
    const rewrites = expected.get('rewrites');
    for (const [i, r] of (Array.isArray(rewrites) ? rewrites : []).entries()) {
      if (r instanceof JsonObject)
        await runRewrite(source, dir, basePath, base, r, `${ckpt}.rewrite${i}`, out, record);
    }
  } finally {
    await source.close();
  }
}

async function runRewrite(
  source: GradiendWeightSource,
  dir: string,
  basePath: string,
  base: Map<string, Tensor>,
  r: JsonObject,
  label: string,
  out: string,
  record: RecordCheck,
): Promise<void> {
  const args = r.get('args');
  const options = rewriteOptions(args instanceof JsonObject ? args : new JsonObject());
  const err = r.get('error');
  const outFile = path.join(out, `${label}.safetensors`);
  const patchFile = path.join(out, `${label}.patch.safetensors`);
  try {
    await rewriteBaseModel(source, basePath, outFile, options);
    await writeSparsePatch(source, basePath, patchFile, options);
  } catch (e) {
    if (err instanceof JsonObject) {
      // Messages are our own words; the reference's exception type is the contract.
      const want = (toPlain(err) as { type?: string }).type;
      const got = e instanceof RewriteError ? e.referenceType : (e as Error).name;
      record(`${label}.error`, got === want ? null : `got ${got}: ${(e as Error).message}; expected ${want}`);
    } else {
      record(label, `threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    return;
  }
  if (err instanceof JsonObject) {
    record(`${label}.error`, `succeeded, expected ${JSON.stringify(toPlain(err))}`);
    return;
  }
  const outName = r.get('out');
  const want = await readTensors(path.join(dir, typeof outName === 'string' ? outName : ''));
  const got = await readTensors(outFile);
  const patch = await readTensors(patchFile);
  const mapped = new Set(
    [...patch.keys()]
      .filter((k) => k.endsWith(PATCH_INDICES_SUFFIX))
      .map((k) => k.slice(0, -PATCH_INDICES_SUFFIX.length)),
  );
  compareWeights(`${label}.weights`, got, want, mapped, record);
  compareWeights(`${label}.patch`, applyPatch(base, patch), want, mapped, record);
}

/** The patch applied in memory, as the README's Python snippet does. */
function applyPatch(base: Map<string, Tensor>, patch: Map<string, Tensor>): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of base) out.set(name, { ...t, data: t.data.slice() });
  for (const [key, idx] of patch) {
    if (!key.endsWith(PATCH_INDICES_SUFFIX)) continue;
    const name = key.slice(0, -PATCH_INDICES_SUFFIX.length);
    const target = out.get(name);
    const values = patch.get(`${name}${PATCH_VALUES_SUFFIX}`);
    if (!target || !values || !isRewritableDType(target.dtype))
      throw new Error(`patch names '${name}', which does not fit the base`);
    const positions = Float64Array.from(idx.data as BigInt64Array, Number);
    addInDType(target.dtype, target.data, positions, values.data as Float32Array | Float64Array);
  }
  return out;
}

function compareWeights(
  label: string,
  got: Map<string, Tensor>,
  want: Map<string, Tensor>,
  mapped: ReadonlySet<string>,
  record: RecordCheck,
): void {
  const names = (m: Map<string, Tensor>): string => [...m.keys()].sort().join(',');
  record(
    `${label}.names`,
    names(got) === names(want) ? null : `got [${names(got)}], expected [${names(want)}]`,
  );
  for (const [name, w] of want) {
    const g = got.get(name);
    if (!g) continue;
    const check = `${label}.${name}`;
    if (g.dtype !== w.dtype || g.shape.join() !== w.shape.join()) {
      record(check, `got ${g.dtype}[${g.shape.join(',')}], expected ${w.dtype}[${w.shape.join(',')}]`);
      continue;
    }
    if (!mapped.has(name)) {
      // Not in the mapping: copied byte for byte.
      record(check, sameBytes(bytes(g), bytes(w)));
      continue;
    }
    const tol = TOLERANCE_BY_DTYPE[w.dtype] ?? (TOLERANCES.float32 as Tolerance);
    record(check, closeTo(toFloat64(g), toFloat64(w), tol));
  }
}

function bytes(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}
