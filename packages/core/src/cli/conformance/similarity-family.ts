import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { groupedSimilarityMatrices } from '../../comparison/grouped-similarity.js';
import type { GroupBy } from '../../comparison/grouped-similarity.js';
import { similarityMatrix } from '../../comparison/similarity-matrix.js';
import { ComparisonError } from '../../errors.js';
import { JsonNumber, JsonObject, parseJson, toPlain } from '../../json/index.js';
import type { JsonValue } from '../../json/index.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import type { TopKSpec } from '../../model/prune-arguments.js';
import { TOLERANCES } from './compare.js';
import type { Tolerance } from './compare.js';
import { listCaseDirs, type ConformanceFamily } from './family.js';
import { compareJsonValues } from './json-compare.js';

const FILE = 'similarity.json';

/** The case's dtype tolerance: the reference sums half-precision blocks in that precision. */
function toleranceOf(models: Iterable<GradiendModel>): Tolerance {
  let tol = TOLERANCES.float32 as Tolerance;
  for (const m of models) {
    const t = TOLERANCES[m.architecture.dtype];
    if (t && t.rtol > tol.rtol) tol = t;
  }
  return tol;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * `<case>/similarity.json`: the reference's similarity matrices (plain, multi-seed and grouped) over
 * the case's model/ and prune<i>/ folders, or its errors for bad arguments.
 */
export const similarityFamily: ConformanceFamily = {
  name: 'similarity',
  listCases(fixturesDir) {
    return listCaseDirs(fixturesDir, (dir) => exists(path.join(dir, FILE)));
  },
  async runCase(caseDir, _caseName, record) {
    const spec = parseJson(await readFile(path.join(caseDir, FILE), 'utf8'));
    if (!(spec instanceof JsonObject)) throw new Error(`${FILE} is not an object`);
    const folders = toPlain(spec.get('models') ?? new JsonObject()) as Record<string, string>;
    const loaded = new Map<string, GradiendModel>();
    const modelOf = async (folder: string): Promise<GradiendModel> => {
      let m = loaded.get(folder);
      if (!m) {
        m = (await loadCheckpoint(path.join(caseDir, folder))).model;
        loaded.set(folder, m);
      }
      return m;
    };
    const runs = spec.get('runs');
    for (const [i, run] of (Array.isArray(runs) ? runs : []).entries()) {
      if (!(run instanceof JsonObject)) continue;
      const args = run.get('args');
      const argsObj = args instanceof JsonObject ? args : new JsonObject();
      const groups = run.get('groups');
      const label = `run${i}:${run.get('call') as string}:${JSON.stringify(toPlain(argsObj))}`;
      const models = new Map<string, GradiendModel | GradiendModel[]>();
      if (groups instanceof JsonObject) {
        for (const [id, list] of groups.entries())
          models.set(id, await Promise.all((toPlain(list) as string[]).map(modelOf)));
      } else {
        for (const [id, folder] of Object.entries(folders)) models.set(id, await modelOf(folder));
      }
      let result: unknown;
      try {
        result = run.get('call') === 'grouped' ? grouped(models, argsObj) : matrix(models, argsObj);
      } catch (e) {
        if (!(e instanceof ComparisonError)) throw e;
        const want = toPlain(run.get('error') ?? null) as { type: string; message: string } | null;
        record(
          label,
          want && want.type === e.referenceType && want.message === e.message
            ? null
            : `raised ${e.referenceType}: ${e.message}; expected ${want ? `${want.type}: ${want.message}` : 'a result'}`,
        );
        continue;
      }
      const wantError = run.get('error');
      if (wantError !== undefined) {
        record(label, `computed a result, expected ${JSON.stringify(toPlain(wantError))}`);
        continue;
      }
      record(
        label,
        compareJsonValues(result, toPlain(run.get('result') ?? null), toleranceOf(loaded.values()), 'result'),
      );
    }
  },
};

function topkArg(v: JsonValue | undefined): TopKSpec | null {
  if (v === undefined || v === null) return null;
  if (v instanceof JsonNumber) return v.isInteger ? { count: v.value } : { fraction: v.value };
  throw new Error(`topk ${JSON.stringify(toPlain(v))} is not a number`);
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function matrix(models: Map<string, GradiendModel | GradiendModel[]>, a: JsonObject): unknown {
  const opt = <T>(key: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [key]: v });
  return similarityMatrix(models, {
    ...opt('measure', str(a.get('measure'))),
    ...opt('part', str(a.get('part'))),
    topk: topkArg(a.get('topk')),
    ...opt('value', str(a.get('value'))),
    ...opt('seedAggregate', str(a.get('seed_aggregate'))),
    ...opt('dispersion', str(a.get('dispersion'))),
  });
}

function grouped(models: Map<string, GradiendModel | GradiendModel[]>, a: JsonObject): unknown {
  const flat = new Map<string, GradiendModel>();
  for (const [id, m] of models) flat.set(id, Array.isArray(m) ? (m[0] as GradiendModel) : m);
  const groupBy = a.get('group_by');
  return groupedSimilarityMatrices(flat, {
    ...(str(a.get('measure')) !== undefined ? { measure: str(a.get('measure')) as string } : {}),
    ...(str(a.get('part')) !== undefined ? { part: str(a.get('part')) as string } : {}),
    topk: topkArg(a.get('topk')),
    ...(groupBy !== undefined ? { groupBy: toPlain(groupBy) as GroupBy } : {}),
    // The fixtures come from the reference on PyTorch 1.13, where it cannot decode base-global
    // indices into parameter names and files every coordinate under "other".
    decodeParamNames: false,
  });
}
