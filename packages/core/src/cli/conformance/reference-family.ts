import { readFile, readdir, stat } from 'node:fs/promises';
import { listCaseDirs, type ConformanceFamily, type RecordCheck } from './family.js';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { PruneArgumentError } from '../../errors.js';
import { JsonNumber, JsonObject, parseJson, toPlain } from '../../json/index.js';
import type { JsonValue } from '../../json/index.js';
import { stringifyPythonJson } from '../../json/python-json.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import { IMPORTANCE_PARTS } from '../../model/importance.js';
import type { ImportancePart } from '../../model/importance.js';
import type { PruneOptions, TopKSpec } from '../../model/prune-arguments.js';
import type { FloatArray } from '../../model/types.js';
import { scatterToParams } from '../../model/gradient-dict.js';
import { planCheckpoint } from '../../checkpoint/checkpoint-plan.js';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../../checkpoint/save-checkpoint.js';
import { readSafetensorsBuffer } from '../../safetensors/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { toFloat64 } from '../../tensor/convert.js';
import { TOLERANCES, closeTo, sameBytes, sameValues } from './compare.js';
import { decodedSlack, encodedTolerance } from './propagated-tolerance.js';
import type { Tolerance } from './compare.js';

type Expected = JsonObject;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * The reference fixtures' main family: each `<case>/` with `expected.json` and `model/` — model
 * facts, forward passes, prunes, and byte-identical saved folders.
 */
export const referenceFamily: ConformanceFamily = {
  name: 'reference',
  async listCases(fixturesDir) {
    return listCaseDirs(
      fixturesDir,
      async (dir) =>
        (await exists(path.join(dir, 'expected.json'))) && (await exists(path.join(dir, 'model'))),
    );
  },
  runCase(caseDir, caseName, record, options) {
    return runCase(caseDir, caseName, record, options.saveTo);
  },
};

type Record = RecordCheck;

async function runCase(
  dir: string,
  caseName: string,
  record: Record,
  saveTo: string | undefined,
): Promise<void> {
  const expected = parseJson(await readFile(path.join(dir, 'expected.json'), 'utf8'));
  if (!(expected instanceof JsonObject)) throw new Error('expected.json is not an object');
  const tensorsFile = path.join(dir, 'expected.safetensors');
  const tensors = (await exists(tensorsFile))
    ? readSafetensorsBuffer(new Uint8Array(await readFile(tensorsFile))).tensors()
    : new Map<string, Tensor>();
  const loaded = await loadCheckpoint(path.join(dir, 'model'));
  const model = loaded.model;
  const tol = TOLERANCES[model.architecture.dtype] ?? (TOLERANCES.float32 as Tolerance);

  checkModelFacts(model, expected, tensors, tol, record);
  checkForward(model, tensors, tol, record);

  const out = saveTo
    ? path.join(saveTo, caseName)
    : await mkdtemp(path.join(os.tmpdir(), 'gradiend-conformance-'));
  try {
    const saved = path.join(out, 'model');
    await saveCheckpoint(saved, model, { gradiendContext: loaded.gradiendContext ?? undefined });
    await compareFolders('save', saved, path.join(dir, 'model'), record);

    const prunes = expected.get('prunes');
    if (Array.isArray(prunes)) {
      for (const [i, p] of prunes.entries()) {
        if (p instanceof JsonObject) await checkPrune(model, p, i, dir, out, tensors, record);
      }
    }
  } finally {
    if (!saveTo) await rm(out, { recursive: true, force: true });
  }
}

function num(v: JsonValue | undefined): number {
  return v instanceof JsonNumber ? v.value : NaN;
}

function checkModelFacts(
  model: GradiendModel,
  e: Expected,
  tensors: Map<string, Tensor>,
  tol: Tolerance,
  record: Record,
): void {
  const eq = (check: string, actual: unknown, expected: unknown): void =>
    record(
      check,
      JSON.stringify(actual) === JSON.stringify(expected)
        ? null
        : `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
    );
  eq('input_dim', model.inputDim, num(e.get('input_dim')));
  eq('latent_dim', model.latentDim, num(e.get('latent_dim')));
  eq('unpruned_length', model.unprunedLength(), num(e.get('unpruned_length')));
  eq('dtype', model.architecture.dtype, e.get('dtype'));
  eq('param_map_hash', model.paramMapHash(), e.get('param_map_hash'));
  checkParamMap('param_map', model, e.get('param_map'), record);

  const decoded = e.get('decode_base_global_index');
  if (Array.isArray(decoded)) {
    for (const d of decoded) {
      const want = toPlain(d) as { index: number; [k: string]: unknown };
      let got: unknown;
      try {
        const r = model.decodeBaseGlobalIndex(want.index);
        got = {
          index: want.index,
          param_name: r.paramName,
          param_shape: r.paramShape,
          param_numel: r.paramNumel,
          flat_index_in_param: r.flatIndexInParam,
          coords: r.coords,
          param_row: r.paramRow,
          param_col: r.paramCol,
        };
      } catch (err) {
        got = `threw ${(err as Error).message}`;
      }
      eq(`decode_base_global_index(${want.index})`, got, want);
    }
  }
  const bgim = tensors.get('base_global_index_map');
  if (bgim) record('base_global_index_map', sameValues(model.baseGlobalIndexMap(), toFloat64(bgim)));

  for (const part of IMPORTANCE_PARTS) {
    const imp = tensors.get(`importance.${part}`);
    if (imp) record(`importance.${part}`, closeTo(model.importance(part), toFloat64(imp), tol));
    const uv = tensors.get(`update_vector.${part}`);
    if (uv) record(`update_vector.${part}`, closeTo(model.updateVector(part), toFloat64(uv), tol));
  }

  const topk = e.get('topk_weights');
  if (topk instanceof JsonObject) {
    for (const [key, list] of topk.entries()) {
      const [part, kText] = key.split('|') as [ImportancePart, string];
      const spec: TopKSpec = /[.eE]/.test(kText) ? { fraction: Number(kText) } : { count: Number(kText) };
      const want = (toPlain(list) as number[]) ?? [];
      record(`topk_weights[${key}]`, sameRanking(model.topK(part, spec), want, model.importance(part)));
    }
  }
  const norms = e.get('norms');
  if (norms instanceof JsonObject) {
    record('encoder_norm', closeTo([model.encoderNorm()], [num(norms.get('encoder_norm'))], tol));
    record('decoder_norm', closeTo([model.decoderNorm()], [num(norms.get('decoder_norm'))], tol));
  }
}

/** Same set, and the same importance at every rank (ties may come in any order). */
function sameRanking(actual: Int32Array, expected: number[], importance: FloatArray): string | null {
  if (actual.length !== expected.length) return `got ${actual.length} indices, expected ${expected.length}`;
  const a = [...actual].sort((x, y) => x - y);
  const b = [...expected].sort((x, y) => x - y);
  const setDiff = sameValues(a, b);
  if (setDiff) return `different selection: ${setDiff}`;
  for (let i = 0; i < expected.length; i++) {
    if (importance[actual[i] as number] !== importance[expected[i] as number]) {
      return `rank ${i}: got index ${actual[i]}, expected ${expected[i]}`;
    }
  }
  return null;
}

function checkParamMap(
  check: string,
  model: GradiendModel,
  expected: JsonValue | undefined,
  record: Record,
): void {
  const want = toPlain(expected ?? []) as {
    name: string;
    shape: number[];
    repr: string;
    selected: number[];
  }[];
  const entries = model.paramMap.entries;
  if (entries.length !== want.length) {
    record(check, `${entries.length} params, expected ${want.length}`);
    return;
  }
  for (const [i, w] of want.entries()) {
    const e = entries[i];
    if (!e) continue;
    const got = { name: e.name, shape: [...e.shape], repr: e.repr };
    const exp = { name: w.name, shape: w.shape, repr: w.repr };
    const facts =
      JSON.stringify(got) === JSON.stringify(exp)
        ? null
        : `got ${JSON.stringify(got)}, expected ${JSON.stringify(exp)}`;
    record(`${check}[${w.name}]`, facts ?? sameValues(e.selectedPositions(), w.selected));
  }
}

function checkForward(
  model: GradiendModel,
  tensors: Map<string, Tensor>,
  tol: Tolerance,
  record: Record,
): void {
  // The decoded outputs inherit the latent's uncertainty (see decodedSlack), so each is compared
  // with the plain tolerance plus that propagated share.
  const decodedCheck = (
    check: string,
    actual: FloatArray,
    want: Tensor | undefined,
    wantEncoded: Tensor | undefined,
    encTol: Tolerance,
  ): void => {
    if (!want) return;
    const slack = wantEncoded ? decodedSlack(model, toFloat64(wantEncoded), encTol) : null;
    record(check, closeTo(actual, toFloat64(want), tol, slack ?? undefined));
  };
  const x = tensors.get('forward.x');
  if (x) {
    const batch = x.shape[0] as number;
    const xs = toFloat64(x);
    const encTol = encodedTolerance(model, xs, tol);
    const { encoded, decoded } = model.forward(Float32Array.from(xs), batch);
    const wantEnc = tensors.get('forward.encoded');
    if (wantEnc) record('forward.encoded', closeTo(encoded, toFloat64(wantEnc), encTol));
    decodedCheck('forward.decoded', decoded, tensors.get('forward.decoded'), wantEnc, encTol);
    const x0 = Float32Array.from(xs.subarray(0, model.inputDim));
    const single = model.forward(x0);
    const e0 = tensors.get('forward.x0.encoded');
    if (e0) record('forward.x0.encoded', closeTo(single.encoded, toFloat64(e0), encTol));
    decodedCheck('forward.x0.decoded', single.decoded, tensors.get('forward.x0.decoded'), e0, encTol);
  }
  const dictIn = new Map<string, { shape: readonly number[]; data: Float64Array }>();
  for (const [name, t] of tensors) {
    if (name.startsWith('dict.in.'))
      dictIn.set(name.slice('dict.in.'.length), { shape: t.shape, data: toFloat64(t) });
  }
  if (dictIn.size === 0) return;
  const flat = tensors.get('dict.flat');
  const flattened = model.flattenGradientDict(dictIn);
  if (flat) record('dict.flat', closeTo(flattened, toFloat64(flat), tol));
  const encTol = encodedTolerance(model, Float64Array.from(flattened), tol);
  const fe = tensors.get('dict.forward_encoder');
  if (fe) record('dict.forward_encoder', closeTo(model.encodeDict(dictIn), toFloat64(fe), encTol));
  const { encoded, decoded } = model.forwardDict(dictIn);
  const de = tensors.get('dict.encoded');
  if (de) record('dict.encoded', closeTo(encoded, toFloat64(de), encTol));
  const flatSlack = de ? decodedSlack(model, toFloat64(de), encTol) : null;
  // Unselected positions of the dict output are exact zeros: they get no slack.
  const slackByParam = flatSlack
    ? scatterToParams(model.paramMap, flatSlack, (n) => new Float64Array(n))
    : null;
  for (const [name] of dictIn) {
    const want = tensors.get(`dict.out.${name}`);
    const got = decoded.get(name);
    if (want)
      record(
        `dict.out.${name}`,
        got ? closeTo(got.data, toFloat64(want), tol, slackByParam?.get(name)?.data) : 'missing from output',
      );
  }
}

function pruneArgs(args: JsonObject, tensors: Map<string, Tensor>): PruneOptions {
  const tensorArg = (v: JsonValue | undefined): Tensor => {
    const name = typeof v === 'string' && v.startsWith('tensor:') ? v.slice('tensor:'.length) : null;
    const t = name ? tensors.get(name) : undefined;
    if (!t)
      throw new Error(
        `prune argument ${JSON.stringify(toPlain(v ?? null))} names no tensor in expected.safetensors`,
      );
    return t;
  };
  const opts: { -readonly [K in keyof PruneOptions]: PruneOptions[K] } = {};
  for (const [key, v] of args.entries()) {
    switch (key) {
      case 'topk':
        opts.topk =
          v instanceof JsonNumber
            ? v.isInteger
              ? { count: v.value }
              : { fraction: v.value }
            : (toPlain(v) as TopKSpec);
        break;
      case 'threshold':
        opts.threshold = toPlain(v) as number;
        break;
      case 'part':
        opts.part = toPlain(v) as ImportancePart;
        break;
      case 'mask':
        opts.mask = Uint8Array.from(toFloat64(tensorArg(v)), (x) => (x ? 1 : 0));
        break;
      case 'importance': {
        const t = tensorArg(v);
        opts.importance = t.dtype === 'F64' ? toFloat64(t) : Float32Array.from(toFloat64(t));
        break;
      }
      case 'keep_idx':
        opts.keepIdx = toFloat64(tensorArg(v));
        break;
      case 'inplace':
        opts.inplace = v === true;
        break;
      // We always return the combined mask, and always sort and de-duplicate keep_idx (the result
      // is the same whenever the caller's promise of sorted, unique indices holds).
      case 'return_mask':
      case 'keep_idx_sorted_unique':
        break;
      default:
        throw new Error(`unknown prune argument '${key}'`);
    }
  }
  return opts;
}

async function checkPrune(
  model: GradiendModel,
  p: JsonObject,
  i: number,
  caseDir: string,
  out: string,
  tensors: Map<string, Tensor>,
  record: Record,
): Promise<void> {
  const id = num(p.get('id'));
  const label = `prune${Number.isNaN(id) ? i : id}`;
  const args = p.get('args');
  const err = p.get('error');
  let result;
  try {
    const options = pruneArgs(args instanceof JsonObject ? args : new JsonObject(), tensors);
    // In-place prunes run on a clone so every case's prunes start from the loaded model.
    result = (options.inplace ? model.clone() : model).prune(options);
  } catch (e) {
    if (err instanceof JsonObject) {
      const want = toPlain(err) as { type: string; message: string };
      const got =
        e instanceof PruneArgumentError
          ? { type: e.referenceType, message: e.message }
          : { type: (e as Error).name, message: (e as Error).message };
      record(
        `${label}.error`,
        got.type === want.type && got.message === want.message
          ? null
          : `got ${got.type}: ${got.message}; expected ${want.type}: ${want.message}`,
      );
    } else {
      record(label, `threw ${(e as Error).name}: ${(e as Error).message}`);
    }
    return;
  }
  if (err instanceof JsonObject) {
    record(`${label}.error`, `succeeded, expected ${JSON.stringify(toPlain(err))}`);
    return;
  }
  const pruned = result.model;
  const eq = (check: string, a: unknown, b: unknown): void =>
    record(
      `${label}.${check}`,
      JSON.stringify(a) === JSON.stringify(b)
        ? null
        : `got ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`,
    );
  if (p.has('input_dim')) eq('input_dim', pruned.inputDim, num(p.get('input_dim')));
  if (p.has('unpruned_length')) eq('unpruned_length', pruned.unprunedLength(), num(p.get('unpruned_length')));
  if (p.has('param_map_hash')) eq('param_map_hash', pruned.paramMapHash(), p.get('param_map_hash'));
  if (p.has('param_map')) checkParamMap(`${label}.param_map`, pruned, p.get('param_map'), record);
  const mask = tensors.get(`${label}.combined_mask`);
  if (mask) record(`${label}.combined_mask`, sameValues(result.combinedMask, toFloat64(mask)));
  const savedMapping = p.get('saved_mapping');
  if (savedMapping !== undefined) {
    const config = parseJson(planCheckpoint(pruned).config);
    const ours = config instanceof JsonObject ? config.get('mapping') : undefined;
    const a = ours === undefined ? '' : stringifyPythonJson(ours);
    // The reference names mapping files .pth when it saved with torch.save; we always write safetensors.
    const b = stringifyPythonJson(savedMapping).replace(
      /(mapping_(?:indices|masks))\.pth"/g,
      '$1.safetensors"',
    );
    record(`${label}.saved_mapping`, a === b ? null : `got ${a.slice(0, 300)}, expected ${b.slice(0, 300)}`);
  }
  const dirName = p.get('dir');
  const target = path.join(out, label);
  await saveCheckpoint(target, pruned);
  if (typeof dirName === 'string')
    await compareFolders(`${label}.save`, target, path.join(caseDir, dirName), record);
}

/**
 * Byte comparison of our saved folder with the reference's, for every file both wrote. Folders
 * the reference wrote with torch.save are skipped: we write safetensors only.
 */
async function compareFolders(check: string, ours: string, reference: string, record: Record): Promise<void> {
  const refFiles = await readdir(reference);
  if (refFiles.some((f) => f.endsWith('.bin') || f.endsWith('.pth'))) return;
  for (const f of refFiles.sort()) {
    const ourFile = path.join(ours, f);
    if (!(await exists(ourFile))) {
      record(`${check}[${f}]`, 'file not written');
      continue;
    }
    const [a, b] = await Promise.all([readFile(ourFile), readFile(path.join(reference, f))]);
    record(`${check}[${f}]`, sameBytes(a, b));
  }
}
