import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { EncoderMetricsError } from '../../errors.js';
import { encoderMetrics } from '../../evaluation/encoder-metrics.js';
import type { EncodedRow, EncoderMetricsOptions } from '../../evaluation/encoder-metrics.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import { readSafetensorsBuffer } from '../../safetensors/index.js';
import { toFloat64 } from '../../tensor/convert.js';
import { TOLERANCES } from './compare.js';
import type { Tolerance } from './compare.js';
import { listCaseDirs, type ConformanceFamily, type RecordCheck } from './family.js';
import { compareJsonValues } from './json-compare.js';

interface FixtureRow {
  encoded: number | number[];
  label: number;
  type?: string;
  source_id?: string | number;
  target_id?: string | number;
  data_split?: string;
  /** digits-demo: the gradient file (in the shared demo's gradients/) this row encodes. */
  sample?: string;
}

interface FixtureOptions {
  neg_boundary?: number | null;
  pos_boundary?: number | null;
  neutral_boundary?: number;
  target_classes?: (string | number)[];
  generalization_splits?: [string, string];
}

const TOL = TOLERANCES.float32 as Tolerance;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * `fixtures/encoder-metrics/<case>/`: rows.json (encoded rows + options) and expected.json (the
 * reference's metrics or its error). Rows naming a `sample` are encoded again by us from the
 * shared digits demo, and the scorecard is computed from our encodings.
 */
export const encoderMetricsFamily: ConformanceFamily = {
  name: 'encoder-metrics',
  listCases(fixturesDir) {
    return listCaseDirs(
      fixturesDir,
      async (dir) =>
        (await exists(path.join(dir, 'rows.json'))) && (await exists(path.join(dir, 'expected.json'))),
    );
  },
  async runCase(caseDir, _caseName, record) {
    const input = JSON.parse(await readFile(path.join(caseDir, 'rows.json'), 'utf8')) as {
      rows: FixtureRow[];
      options?: FixtureOptions;
    };
    const expected = JSON.parse(await readFile(path.join(caseDir, 'expected.json'), 'utf8')) as {
      metrics?: Record<string, unknown>;
      error?: { type: string; message: string };
    };
    let rows = input.rows.map(toEncodedRow);
    if (input.rows.some((r) => r.sample !== undefined))
      rows = await reencodeSamples(caseDir, input.rows, rows, record);
    checkMetrics(rows, toOptions(input.options ?? {}), expected, record);
  },
};

function toEncodedRow(r: FixtureRow): EncodedRow {
  const id = (v: string | number | undefined): string | undefined =>
    v === undefined ? undefined : String(v);
  return {
    encoded: r.encoded,
    label: r.label,
    ...(r.type !== undefined ? { type: r.type } : {}),
    ...(r.source_id !== undefined ? { sourceId: id(r.source_id) } : {}),
    ...(r.target_id !== undefined ? { targetId: id(r.target_id) } : {}),
    ...(r.data_split !== undefined ? { dataSplit: r.data_split } : {}),
  };
}

function toOptions(o: FixtureOptions): EncoderMetricsOptions {
  return {
    ...(o.neg_boundary !== undefined ? { negBoundary: o.neg_boundary } : {}),
    ...(o.pos_boundary !== undefined ? { posBoundary: o.pos_boundary } : {}),
    ...(o.neutral_boundary !== undefined ? { neutralBoundary: o.neutral_boundary } : {}),
    ...(o.target_classes ? { targetClasses: o.target_classes.map(String) } : {}),
    ...(o.generalization_splits ? { generalizationSplits: o.generalization_splits } : {}),
  };
}

function checkMetrics(
  rows: EncodedRow[],
  options: EncoderMetricsOptions,
  expected: { metrics?: Record<string, unknown>; error?: { type: string; message: string } },
  record: RecordCheck,
): void {
  let metrics: Record<string, unknown>;
  try {
    metrics = encoderMetrics(rows, options) as unknown as Record<string, unknown>;
  } catch (e) {
    if (!(e instanceof EncoderMetricsError)) throw e;
    const want = expected.error;
    record(
      'error',
      want && want.type === e.referenceType && want.message === e.message
        ? null
        : `raised ${e.referenceType}: ${e.message}; expected ${want ? `${want.type}: ${want.message}` : 'metrics'}`,
    );
    return;
  }
  if (expected.error) {
    record('error', `computed metrics, expected ${expected.error.type}: ${expected.error.message}`);
    return;
  }
  const want = expected.metrics ?? {};
  const extra = Object.keys(metrics).filter((k) => !(k in want));
  record('metrics.keys', extra.length ? `unexpected keys ${JSON.stringify(extra)}` : null);
  for (const key of Object.keys(want))
    record(`metrics.${key}`, compareJsonValues(metrics[key], want[key], TOL, key));
}

/**
 * Encodes each row's gradient file with the demo's GRADIEND (`encode(flatten(grad) / input_scale)`,
 * as the reference made them), checks each encoding and the label the context's direction gives,
 * and returns the rows with our encodings.
 */
async function reencodeSamples(
  caseDir: string,
  fixtureRows: FixtureRow[],
  rows: EncodedRow[],
  record: RecordCheck,
): Promise<EncodedRow[]> {
  const demo = await findDemoFolder(caseDir, fixtureRows.find((r) => r.sample)?.sample as string);
  const index = JSON.parse(await readFile(path.join(demo.gradients, 'index.json'), 'utf8')) as {
    input_scale: number;
    samples: { file: string; digit: number }[];
  };
  const loaded = await loadCheckpoint(demo.checkpoint);
  const direction = (
    loaded.gradiendContext as { feature_class_encoding_direction?: Record<string, number> } | null
  )?.feature_class_encoding_direction;
  const out: EncodedRow[] = [];
  for (const [i, r] of fixtureRows.entries()) {
    const row = rows[i] as EncodedRow;
    if (r.sample === undefined) {
      out.push(row);
      continue;
    }
    const encoded = await encodeSample(loaded.model, path.join(demo.gradients, r.sample), index.input_scale);
    record(
      `encoding[${r.sample}]`,
      compareJsonValues(encoded.length === 1 ? encoded[0] : encoded, r.encoded, TOL),
    );
    const digit = index.samples.find((s) => s.file === r.sample)?.digit;
    const label = digit === undefined ? undefined : direction?.[String(digit)];
    record(`label[${r.sample}]`, label === r.label ? null : `context gives ${label}, row has ${r.label}`);
    out.push({
      ...row,
      encoded: encoded.length === 1 ? (encoded[0] as number) : encoded,
      label: label ?? NaN,
    });
  }
  return out;
}

async function encodeSample(model: GradiendModel, file: string, inputScale: number): Promise<number[]> {
  const tensors = readSafetensorsBuffer(new Uint8Array(await readFile(file))).tensors();
  const grads = new Map(
    [...tensors].map(([name, t]) => [
      name,
      { shape: t.shape, data: toFloat64(t).map((v) => v / inputScale) },
    ]),
  );
  return [...model.encodeDict(grads)];
}

/** The shared demo folder holding `gradients/<sample>`: searched upwards from the case folder. */
async function findDemoFolder(
  caseDir: string,
  sample: string,
): Promise<{ gradients: string; checkpoint: string }> {
  for (let dir = path.resolve(caseDir); ; dir = path.dirname(dir)) {
    const demo = path.join(dir, 'demo', 'digits');
    if (await exists(path.join(demo, 'gradients', sample))) {
      for (const name of (await readdir(demo)).sort()) {
        if (await exists(path.join(demo, name, 'gradiend_context.json')))
          return { gradients: path.join(demo, 'gradients'), checkpoint: path.join(demo, name) };
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no demo/digits/gradients/${sample} above ${caseDir}`);
  }
}
