import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { LabeledSetError } from '../../errors.js';
import { encoderMetrics } from '../../evaluation/encoder-metrics.js';
import type { EncodedRow, EncoderMetrics, EncoderMetricsOptions } from '../../evaluation/encoder-metrics.js';
import { parseManifest } from '../../evaluation/labeled-set-manifest.js';
import type { ManifestRow } from '../../evaluation/labeled-set-manifest.js';
import { pruningCurve } from '../../evaluation/pruning-curve.js';
import type { CurveSample } from '../../evaluation/pruning-curve.js';
import { scorecardConvergence } from '../../evaluation/scorecard-convergence.js';
import { SpaceProjection } from '../../comparison/project-space.js';
import { parseImportancePart } from '../../model/importance.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import { UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFloat, formatTable } from '../format-table.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs, parseNumber } from '../parse-options.js';
import { forEachRawRow, inputScaleOf, readGradientDict } from './encode.js';

const HELP = `usage: gradiend evaluate <dir> <manifest> [--batch <x.f32> [--batch-space <ckpt>]] [--scale S | --scale-from-training]
                         [--curve [--points N] [--k K,...] [--part P]] [--neg-boundary B] [--pos-boundary B]
                         [--json] [--verbose]

Scores the GRADIEND on a labeled gradient set, as the reference's encoder evaluation does:
correlation of label and encoding, accuracies, per-class statistics and the training's convergence
verdict (|correlation| ≥ 0.5, every class mean |·| ≥ 0.5, the two classes on opposite sides).

<manifest>  .json (an array of rows or {"rows": [...]}) or .csv with a header; columns
            file | row, label (+1 / −1 target classes, 0 identity / neutral), type, source_id,
            target_id, data_split. 'file' names a per-parameter gradient .safetensors (relative
            to the manifest); 'row' a row of --batch.

options:
  --batch FILE           raw little-endian float32 [N × input_dim] the 'row' columns index
  --batch-space DIR      the batch's rows are in this checkpoint's input space (e.g. the version
                         <dir> was pruned from); dims are matched by base-global index
  --scale S              divide the inputs by S before encoding
  --scale-from-training  use training.json's input_scale as S (how the reference encodes)
  --curve                also the pruning curve: the scorecard of the model pruned to top-k for a grid of k
  --points N             grid points, log-spaced from 1 to input_dim (default 40)
  --k K,...              further k's for the curve
  --part P               importance that ranks the dims (default decoder-weight)
  --neg-boundary B, --pos-boundary B   ternary class boundaries (default -0.5 / 0.5)
  --json                 print one JSON document
  -v, --verbose          report the time of every step
  -h, --help             show this help`;

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: "score a labeled gradient set (the reference's encoder metrics), optionally the pruning curve",
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      batch: { type: 'string' },
      'batch-space': { type: 'string' },
      scale: { type: 'string' },
      'scale-from-training': { type: 'boolean' },
      curve: { type: 'boolean' },
      points: { type: 'string' },
      k: { type: 'string' },
      part: { type: 'string' },
      'neg-boundary': { type: 'string' },
      'pos-boundary': { type: 'string' },
    });
    const [dir, manifestFile] = expectPositionals(positionals, ['<dir>', '<manifest>']) as [string, string];
    const format = path.extname(manifestFile).toLowerCase() === '.csv' ? 'csv' : 'json';
    if (values.scale !== undefined && values['scale-from-training'])
      throw new UsageError('--scale and --scale-from-training exclude each other');
    let scale = values.scale === undefined ? null : parseNumber(values.scale, '--scale');
    if (scale === 0) throw new UsageError('--scale must not be 0');
    const points = values.points === undefined ? 40 : parseNumber(values.points, '--points');
    if (!Number.isInteger(points) || points < 2) throw new UsageError('--points must be an integer ≥ 2');
    const ks = values.k === undefined ? [] : values.k.split(',').map((k) => parseNumber(k.trim(), '--k'));
    const part = values.part === undefined ? 'decoder-weight' : parseImportancePart(values.part);
    const metricsOptions: EncoderMetricsOptions = {
      ...(values['neg-boundary'] !== undefined
        ? { negBoundary: parseNumber(values['neg-boundary'], '--neg-boundary') }
        : {}),
      ...(values['pos-boundary'] !== undefined
        ? { posBoundary: parseNumber(values['pos-boundary'], '--pos-boundary') }
        : {}),
    };

    const rows = parseManifest(await readFile(manifestFile, 'utf8'), format);
    const loaded = await progress.step('load', () => loadCheckpoint(dir));
    const { model } = loaded;
    if (values['scale-from-training']) scale = inputScaleOf(loaded.training, dir);
    if (values['batch-space'] !== undefined && values.batch === undefined)
      throw new UsageError('--batch-space describes --batch, which is missing');
    const projection =
      values['batch-space'] === undefined
        ? null
        : new SpaceProjection((await loadCheckpoint(values['batch-space'])).model.paramMap, model.paramMap);
    const samples = await progress.step('read samples', () =>
      readSamples(model, rows, path.dirname(manifestFile), values.batch ?? null, scale, projection),
    );
    const encodedRows = await progress.step('encode', () =>
      samples.map(({ x, ...meta }): EncodedRow => {
        const e = model.encode(x);
        return { ...meta, encoded: model.latentDim === 1 ? (e[0] as number) : Array.from(e) };
      }),
    );
    const metrics = encoderMetrics(encodedRows, metricsOptions);
    const convergence = scorecardConvergence(metrics);
    const curve = values.curve
      ? await progress.step('pruning curve', () =>
          pruningCurve(model, samples, { part, points, ks, metrics: metricsOptions }),
        )
      : null;

    if (values.json) {
      writeJson(io.stdout, {
        input_dim: model.inputDim,
        latent_dim: model.latentDim,
        scale,
        metrics,
        convergence,
        encodings: encodedRows.map((r, i) => ({
          ...locate(rows[i] as ManifestRow),
          label: r.label,
          encoded: r.encoded,
        })),
        ...(curve
          ? {
              curve: {
                part,
                points: curve.map((p) => ({
                  k: p.k,
                  kept_dims: p.keptDims,
                  correlation: p.metrics.correlation,
                  accuracy: p.metrics.training_only.accuracy,
                  mean_by_class: p.metrics.mean_by_class,
                })),
              },
            }
          : {}),
      });
      return 0;
    }
    printScorecard(io.stdout, metrics, convergence, samples.length);
    if (curve) {
      writeLine(io.stdout, '');
      writeLine(io.stdout, `pruning curve (top-k by ${part}):`);
      const classes = Object.keys(curve[0]?.metrics.mean_by_class ?? {});
      const table = formatTable(
        [
          { header: 'k', align: 'right' },
          { header: 'correlation', align: 'right' },
          { header: 'accuracy', align: 'right' },
          ...classes.map((c) => ({ header: `mean[${c}]`, align: 'right' as const })),
        ],
        curve.map((p) => [
          String(p.k),
          formatFloat(p.metrics.correlation),
          formatFloat(p.metrics.training_only.accuracy),
          ...classes.map((c) => formatFloat(p.metrics.mean_by_class[c] ?? NaN)),
        ]),
      );
      for (const line of table) writeLine(io.stdout, line);
    }
    return 0;
  },
};

function locate(r: ManifestRow): { file: string } | { row: number } {
  return r.file !== undefined ? { file: r.file } : { row: r.row as number };
}

async function readSamples(
  model: GradiendModel,
  rows: readonly ManifestRow[],
  baseDir: string,
  batch: string | null,
  scale: number | null,
  projection: SpaceProjection | null,
): Promise<CurveSample[]> {
  const divide = (x: Float32Array | Float64Array): Float32Array | Float64Array => {
    if (scale !== null) for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) / scale;
    return x;
  };
  const meta = ({ file: _f, row: _r, ...rest }: ManifestRow): Omit<CurveSample, 'x'> => rest;
  if (rows[0]?.file !== undefined) {
    if (batch !== null)
      throw new UsageError('--batch is for manifests with a row column, this one names files');
    const out: CurveSample[] = [];
    for (const r of rows)
      out.push({
        ...meta(r),
        x: divide(model.flattenGradientDict(await readGradientDict(path.join(baseDir, r.file as string)))),
      });
    return out;
  }
  if (batch === null) throw new UsageError("the manifest's row column indexes --batch, which is missing");
  const byRow = new Map(rows.map((r, i) => [r.row as number, i]));
  const xs = new Array<Float32Array | undefined>(rows.length);
  let n = 0;
  await forEachRawRow(batch, projection ? projection.from.selectedTotal : model.inputDim, (x, row) => {
    n = row + 1;
    const i = byRow.get(row);
    if (i !== undefined) xs[i] = projection ? (projection.project(x) as Float32Array) : x;
  });
  return rows.map((r, i) => {
    const x = xs[i];
    if (!x) throw new LabeledSetError(`manifest row ${i + 1}: row ${r.row} is beyond the batch's ${n} rows`);
    return { ...meta(r), x: divide(x) };
  });
}

function printScorecard(
  out: Parameters<typeof writeLine>[0],
  m: EncoderMetrics,
  verdict: ReturnType<typeof scorecardConvergence>,
  n: number,
): void {
  writeLine(out, `${n} sample(s): correlation ${formatFloat(m.correlation)}`);
  writeLine(
    out,
    `accuracy: all ${formatFloat(m.all_data.accuracy)}, training ${formatFloat(m.training_only.accuracy)}, ` +
      `target classes ${formatFloat(m.target_classes_only.accuracy)}`,
  );
  const table = formatTable(
    [
      { header: 'label' },
      { header: 'n', align: 'right' },
      { header: 'mean', align: 'right' },
      { header: 'std', align: 'right' },
      { header: 'min', align: 'right' },
      { header: 'max', align: 'right' },
    ],
    Object.keys(m.mean_by_class).map((k) => [
      k,
      String(m.n_by_class[k]),
      formatFloat(m.mean_by_class[k] as number),
      formatFloat(m.std_by_class[k] as number),
      formatFloat(m.min_by_class[k] as number),
      formatFloat(m.max_by_class[k] as number),
    ]),
  );
  for (const line of table) writeLine(out, line);
  writeLine(
    out,
    verdict.converged
      ? `converged (|correlation| ≥ ${verdict.criteria.scoreThreshold}, every class |mean| ≥ ${verdict.criteria.meanByClassThreshold ?? 0}, classes on opposite sides)`
      : `not converged: ${verdict.reason}`,
  );
}
