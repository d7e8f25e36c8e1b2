import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { openBaseModelFiles } from '../../rewrite/base-model-files.js';
import { openGradiendWeightSource } from '../../rewrite/gradiend-weight-source.js';
import { readInputScale } from '../../rewrite/input-scale.js';
import { REWRITE_PARTS, isRewritePart } from '../../rewrite/rewrite-part.js';
import type { RewritePart } from '../../rewrite/rewrite-part.js';
import { prepareRewrite, writeRewrite } from '../../rewrite/rewrite-base-model.js';
import type { RewriteOptions, RewriteProgress } from '../../rewrite/rewrite-base-model.js';
import { writeSparsePatch } from '../../rewrite/sparse-patch.js';
import { CliInputError, UsageError } from '../cli-errors.js';
import type { CliWriter } from '../cli-io.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFields } from '../format-table.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs, parseNumber } from '../parse-options.js';

const SHARED_OPTIONS_HELP = `  --lr LR               learning rate of θ' = θ + LR · u (used as given, never sign-flipped)
  --feature-factor F    decoder input, one value per latent neuron (default 1 each): 1, or
                        --feature-factor=-1 / =0.5,-1,1 (a negative value needs
                        the '=' form, also for --lr=-0.1)
  --part P              what u is (default decoder): ${REWRITE_PARTS.join(', ')}
  --scale-from-training multiply LR by training.json's input_scale (GRADIENDs trained on scaled
                        gradients decode in those units; the digits demo's reference does this)`;

const REWRITE_HELP = `usage: gradiend rewrite <gradiend-dir> <base> --lr LR [--feature-factor F] [--part P]
                       --out <path> [--scale-from-training] [--force] [--json] [--verbose]

Rewrites a base model with a GRADIEND like the reference's rewrite_base_model: adds LR · u at the
mapped positions of the base's safetensors (<base>: a .safetensors file, or a folder with
model.safetensors or Hugging Face shards and model.safetensors.index.json), streamed tensor by
tensor; unmapped tensors are copied byte for byte and the base's dtype is kept.

options:
${SHARED_OPTIONS_HELP}
  --out PATH            the rewritten file (for a file base) or folder (for a folder base)
  --force               replace an existing --out
  --json                print one JSON document
  -v, --verbose         report the time of every step
  -h, --help            show this help`;

const PATCH_HELP = `usage: gradiend patch <gradiend-dir> [<base>] --lr LR [--feature-factor F] [--part P]
                     --out <file> [--scale-from-training] [--force] [--json] [--verbose]

Writes the rewrite as a sparse patch instead: one safetensors file with <param>:indices (int64
flat positions) and <param>:values (Δθ) per mapped parameter, for any framework to add (the README
has a ten-line Python version). With <base>, parameter names are matched against the base model
like a rewrite; without, the param map's names are used.

options:
${SHARED_OPTIONS_HELP}
  --out FILE            the patch file
  --force               replace an existing --out
  --json                print one JSON document
  -v, --verbose         report the time of every step
  -h, --help            show this help`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  lr: { type: 'string' },
  'feature-factor': { type: 'string' },
  part: { type: 'string' },
  out: { type: 'string' },
  'scale-from-training': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

function parseFeatureFactor(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((t) => parseNumber(t, '--feature-factor'));
}

function parseRewritePartOption(text: string | undefined): RewritePart {
  const p = text ?? 'decoder';
  if (!isRewritePart(p))
    throw new UsageError(`--part must be one of ${REWRITE_PARTS.join(', ')}, got '${p}'`);
  return p;
}

interface Parsed {
  readonly gradiend: string;
  readonly base: string | null;
  readonly out: string;
  readonly lr: number;
  readonly scaleFromTraining: boolean;
  readonly options: Omit<RewriteOptions, 'learningRate'>;
  readonly json: boolean;
  readonly force: boolean;
  readonly verbose: boolean;
}

function parse(args: string[], baseRequired: boolean): Parsed {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const names = baseRequired ? ['<gradiend-dir>', '<base>'] : ['<gradiend-dir>'];
  const [gradiend, base] = expectPositionals(positionals, names, !baseRequired);
  if (!baseRequired && positionals.length > 2) throw new UsageError('expected <gradiend-dir> [<base>]');
  if (values.out === undefined) throw new UsageError('--out is required');
  if (values.lr === undefined) throw new UsageError('--lr is required');
  const featureFactor = parseFeatureFactor(values['feature-factor']);
  return {
    gradiend: gradiend as string,
    base: base ?? null,
    out: values.out,
    lr: parseNumber(values.lr, '--lr'),
    scaleFromTraining: values['scale-from-training'] === true,
    options: { part: parseRewritePartOption(values.part), ...(featureFactor ? { featureFactor } : {}) },
    json: values.json === true,
    force: values.force === true,
    verbose: values.verbose === true,
  };
}

async function prepareOut(out: string, force: boolean): Promise<void> {
  if (!(await stat(out).catch(() => null))) return;
  if (!force) throw new CliInputError(`--out ${out} exists (use --force to replace it)`, out);
  await rm(out, { recursive: true, force: true });
}

async function effectiveLr(p: Parsed): Promise<{ lr: number; inputScale: number | null }> {
  if (!p.scaleFromTraining) return { lr: p.lr, inputScale: null };
  const scale = await readInputScale(p.gradiend);
  if (scale === null) {
    throw new CliInputError(
      `--scale-from-training: ${p.gradiend} has no training.json with a non-zero input_scale`,
    );
  }
  return { lr: p.lr * scale, inputScale: scale };
}

const MB = 1024 * 1024;

/** Progress lines on stderr for big bases: every 10 % once the base is over 64 MB (always with --verbose). */
function progressLines(stderr: CliWriter, verbose: boolean): (p: RewriteProgress) => void {
  let next = 0.1;
  return (p) => {
    if (p.bytesTotal === 0 || (!verbose && p.bytesTotal < 64 * MB)) return;
    const f = p.bytesDone / p.bytesTotal;
    if (f + 1e-12 < next && f < 1) return;
    while (next <= f + 1e-12) next += 0.1;
    stderr.write(
      `rewrite: ${Math.round(f * 100)} % (${(p.bytesDone / MB).toFixed(0)} of ${(p.bytesTotal / MB).toFixed(0)} MB)\n`,
    );
  };
}

export const rewriteCommand: Command = {
  name: 'rewrite',
  summary: "add lr · decoder(feature factor) to a base model's safetensors",
  help: REWRITE_HELP,
  async run(args, { io, progress }) {
    const p = parse(args, true);
    const base = p.base as string;
    if (path.resolve(p.out) === path.resolve(base))
      throw new CliInputError('--out must differ from <base>', p.out);
    const { lr, inputScale } = await effectiveLr(p);
    await prepareOut(p.out, p.force);
    const source = await openGradiendWeightSource(p.gradiend);
    try {
      const files = await openBaseModelFiles(base);
      const prepared = prepareRewrite(source, files, { ...p.options, learningRate: lr });
      const summary = await progress.step('rewrite', () =>
        writeRewrite(prepared, p.out, progressLines(io.stderr, p.verbose)),
      );
      const doc = {
        gradiend: p.gradiend,
        base,
        out: p.out,
        part: summary.part,
        learning_rate: p.lr,
        input_scale: inputScale,
        applied_learning_rate: lr,
        feature_factor: summary.featureFactor,
        rewritten_tensors: summary.rewrittenTensors,
        rewritten_values: summary.rewrittenValues,
        files: summary.files,
        bytes: summary.bytes,
      };
      if (p.json) writeJson(io.stdout, doc);
      else
        for (const line of formatFields([
          ['base', base],
          ['out', p.out],
          ['part', doc.part],
          [
            'learning_rate',
            inputScale === null ? String(p.lr) : `${p.lr} × input_scale ${inputScale} = ${lr}`,
          ],
          ['feature_factor', doc.feature_factor.join(', ')],
          ['rewritten', `${doc.rewritten_values} values in ${doc.rewritten_tensors} tensors`],
          ['files', doc.files.join(', ')],
        ]))
          writeLine(io.stdout, line);
      return 0;
    } finally {
      await source.close();
    }
  },
};

export const patchCommand: Command = {
  name: 'patch',
  summary: 'write the rewrite as a sparse patch (indices + deltas per parameter)',
  help: PATCH_HELP,
  async run(args, { io, progress }) {
    const p = parse(args, false);
    const { lr, inputScale } = await effectiveLr(p);
    await prepareOut(p.out, p.force);
    const summary = await progress.step('patch', () =>
      writeSparsePatch(p.gradiend, p.base, p.out, { ...p.options, learningRate: lr }),
    );
    const doc = {
      gradiend: p.gradiend,
      base: p.base,
      out: p.out,
      part: summary.part,
      learning_rate: p.lr,
      input_scale: inputScale,
      applied_learning_rate: lr,
      feature_factor: summary.featureFactor,
      params: summary.params,
      values: summary.values,
    };
    if (p.json) writeJson(io.stdout, doc);
    else
      for (const line of formatFields([
        ['out', p.out],
        ['part', doc.part],
        ['learning_rate', inputScale === null ? String(p.lr) : `${p.lr} × input_scale ${inputScale} = ${lr}`],
        ['feature_factor', doc.feature_factor.join(', ')],
        ['patch', `${doc.values} values in ${doc.params} parameters`],
      ]))
        writeLine(io.stdout, line);
    return 0;
  },
};
