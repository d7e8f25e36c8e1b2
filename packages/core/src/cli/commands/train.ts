import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../../checkpoint/save-checkpoint.js';
import { CliInputError, UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFields } from '../format-table.js';
import { prepareOutput } from '../output-folder.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs, parseNumber } from '../parse-options.js';
import { directionFromClasses, readGradientSampleFolder } from '../../training/gradient-sample-folder.js';
import { trainGradiend } from '../../training/train-gradiend.js';
import { GRADIENT_KINDS, isGradientKind } from '../../training/training-options.js';
import type { GradientKind, TrainGradiendOptions } from '../../training/training-options.js';

const HELP = `usage: gradiend train <samples> --out <dir> [options] [--json] [--verbose]

Trains a GRADIEND on a folder of labeled per-parameter gradient files and saves the checkpoint
(config.json, model.safetensors, training.json, gradiend_context.json). <samples>/index.json lists
  "samples": [{"file": ..., "class": "3" | "digit": 3, "alternative_file"?: ...}, ...]
and may give "params" (the parameter order of the input space) and
"feature_class_encoding_direction". The same inputs and --seed give bit-identical weights.

options:
  --out DIR             where to save the checkpoint (must be empty or absent)
  --force               write into a non-empty --out (its checkpoint files are replaced)
  --eval DIR            a second sample folder to evaluate on (default: the training samples)
  --like DIR            take the param map (all / mask / indices) from this checkpoint
  --classes A,B         class A → +1, class B → −1 (default: index.json, else order of appearance)
  --source KIND         encoder input: ${GRADIENT_KINDS.join(' | ')} (default alternative)
  --target KIND         decoder target: ${GRADIENT_KINDS.join(' | ')} (default diff = factual − alternative)
  --lr X                AdamW learning rate (default 1e-5)
  --weight-decay X      AdamW weight decay (default 0.01)
  --epochs N            epochs (default 3)
  --max-steps N         stop after N steps (default: all epochs)
  --batch-size N        gradient vectors per step (default 1)
  --eval-steps N        evaluate every N steps (default 250)
  --latent-dim N        latent neurons (default 1)
  --seed N              seed of initialisation and shuffling (default 0)
  --max-seeds N         try seed, seed+1, … until one converges (default 1)
  --input-scale S       divide inputs and targets by S (default 1; stored as training.json input_scale)
  --json                print one JSON document
  -v, --verbose         report every evaluation and the time of every step
  -h, --help            show this help`;

function integer(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const v = parseNumber(text, flag);
  if (!Number.isSafeInteger(v)) throw new UsageError(`${flag} must be an integer, got '${text}'`);
  return v;
}

function kind(text: string | undefined, flag: string): GradientKind | undefined {
  if (text === undefined) return undefined;
  if (!isGradientKind(text))
    throw new UsageError(`${flag} must be one of ${GRADIENT_KINDS.join(', ')}, got '${text}'`);
  return text;
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a GRADIEND on a folder of labeled gradient files',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      out: { type: 'string' },
      force: { type: 'boolean' },
      eval: { type: 'string' },
      like: { type: 'string' },
      classes: { type: 'string' },
      source: { type: 'string' },
      target: { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      epochs: { type: 'string' },
      'max-steps': { type: 'string' },
      'batch-size': { type: 'string' },
      'eval-steps': { type: 'string' },
      'latent-dim': { type: 'string' },
      seed: { type: 'string' },
      'max-seeds': { type: 'string' },
      'input-scale': { type: 'string' },
    });
    const [samplesDir] = expectPositionals(positionals, ['<samples>']) as [string];
    const out = values.out;
    if (out === undefined) throw new UsageError('--out <dir> is required');
    if (path.resolve(out) === path.resolve(samplesDir))
      throw new CliInputError('--out must differ from <samples>', out);
    const source = kind(values.source, '--source');
    const target = kind(values.target, '--target');
    const classes = values.classes?.split(',').map((c) => c.trim());
    if (classes && (classes.length !== 2 || classes.some((c) => c === ''))) {
      throw new UsageError(`--classes must name two classes as A,B, got '${values.classes}'`);
    }
    const numbers = {
      learningRate: values.lr === undefined ? undefined : parseNumber(values.lr, '--lr'),
      weightDecay:
        values['weight-decay'] === undefined
          ? undefined
          : parseNumber(values['weight-decay'], '--weight-decay'),
      inputScale:
        values['input-scale'] === undefined ? undefined : parseNumber(values['input-scale'], '--input-scale'),
      numTrainEpochs: integer(values.epochs, '--epochs'),
      maxSteps: integer(values['max-steps'], '--max-steps'),
      batchSize: integer(values['batch-size'], '--batch-size'),
      evalSteps: integer(values['eval-steps'], '--eval-steps'),
      latentDim: integer(values['latent-dim'], '--latent-dim'),
      seed: integer(values.seed, '--seed'),
      maxSeeds: integer(values['max-seeds'], '--max-seeds'),
    };
    await prepareOutput(out, values.force === true);

    const like =
      values.like === undefined
        ? undefined
        : (await progress.step('load --like', () => loadCheckpoint(values.like as string))).model.paramMap;
    const folder = await progress.step('read samples', () => readGradientSampleFolder(samplesDir, like));
    const evalFolder =
      values.eval === undefined
        ? null
        : await progress.step('read --eval', () =>
            readGradientSampleFolder(values.eval as string, folder.paramMap),
          );
    const direction = classes
      ? { [classes[0] as string]: 1, [classes[1] as string]: -1 }
      : (folder.direction ?? directionFromClasses(folder.samples.map((s) => s.featureClass)));
    const options: TrainGradiendOptions = {
      paramMap: folder.paramMap,
      samples: folder.samples,
      ...(evalFolder ? { evalSamples: evalFolder.samples } : {}),
      featureClassEncodingDirection: direction,
      ...(source ? { source } : {}),
      ...(target ? { target } : {}),
      ...Object.fromEntries(Object.entries(numbers).filter(([, v]) => v !== undefined)),
      metadata: { trained_by: 'gradiend-studio', samples: path.basename(path.resolve(samplesDir)) },
      onProgress: (p) => {
        if (p.evaluation && values.verbose) {
          io.stderr.write(
            `step ${p.step}/${p.totalSteps} (seed ${p.seed}): loss ${p.loss.toExponential(4)}, correlation ${p.evaluation.correlation.toFixed(4)}\n`,
          );
        }
      },
    };
    const trained = await progress.step('train', () => trainGradiend(options));
    const files = await progress.step('save', () =>
      saveCheckpoint(out, trained.model, { training: trained.training, gradiendContext: trained.context }),
    );

    const report = {
      samples: samplesDir,
      out,
      input_dim: trained.model.inputDim,
      latent_dim: trained.model.latentDim,
      param_map_hash: trained.model.paramMapHash(),
      training_samples: folder.samples.length,
      evaluation_samples: evalFolder ? evalFolder.samples.length : folder.samples.length,
      feature_class_encoding_direction: direction,
      seed: trained.seed,
      best_step: trained.bestStep,
      correlation: trained.correlation,
      converged: trained.converged,
      convergence: trained.convergenceReason,
      files,
    };
    if (values.json) {
      writeJson(io.stdout, report);
      return 0;
    }
    for (const line of formatFields([
      ['samples', `${samplesDir} (${report.training_samples} samples)`],
      ['out', out],
      ['input_dim', String(report.input_dim)],
      ['param_map_hash', report.param_map_hash],
      [
        'classes',
        Object.entries(direction)
          .map(([c, d]) => `${c} → ${d > 0 ? '+' : ''}${d}`)
          .join(', '),
      ],
      [
        'correlation',
        `${trained.correlation.toFixed(4)} (best step ${trained.bestStep}, seed ${trained.seed})`,
      ],
      ['converged', trained.converged ? 'yes' : `no: ${trained.convergenceReason ?? ''}`],
      ['files', files.join(', ')],
    ])) {
      writeLine(io.stdout, line);
    }
    return 0;
  },
};
