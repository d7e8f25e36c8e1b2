import { inspectCheckpoint } from '../../checkpoint/inspect-checkpoint.js';
import type { CheckpointInspection } from '../../checkpoint/inspect-checkpoint.js';
import { hasEncoderBias } from '../../model/weight-layout.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatBytes, formatFields, formatPercent, formatShape, formatTable } from '../format-table.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs } from '../parse-options.js';

const HELP = `usage: gradiend inspect <dir> [--json] [--verbose]

Shows a checkpoint's architecture, its param map (per parameter: shape, representation,
selected / numel and coverage), param_map_hash, unpruned length and file sizes.
Reads config.json, the safetensors header and the mapping tensors only, never the weights.

options:
  --json        print one JSON document
  -v, --verbose report the time of every step
  -h, --help    show this help`;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'architecture, param map coverage, hash and file sizes (headers only)',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, COMMON_OPTIONS);
    const [dir] = expectPositionals(positionals, ['<dir>']) as [string];
    const info = await progress.step('inspect', () => inspectCheckpoint(dir));
    if (values.json) writeJson(io.stdout, toJson(info));
    else for (const line of render(info)) writeLine(io.stdout, line);
    return 0;
  },
};

export function toJson(info: CheckpointInspection): unknown {
  const a = info.architecture;
  return {
    directory: info.directory,
    weights_file: info.weightsFile,
    architecture: {
      input_dim: a.inputDim,
      latent_dim: a.latentDim,
      activation_encoder: a.activationEncoder,
      activation_decoder: a.activationDecoder,
      bias_encoder: hasEncoderBias(a),
      bias_decoder: a.biasDecoder,
      torch_dtype: a.dtype,
    },
    input_dim: a.inputDim,
    unpruned_length: info.unprunedLength,
    param_map_hash: info.paramMapHash,
    mapping_mode: info.mappingMode,
    selected_total: info.selectedTotal,
    params: info.params.map((p) => ({
      name: p.name,
      shape: p.shape,
      repr: p.repr,
      saved_repr: p.savedRepr,
      selected: p.selected,
      numel: p.numel,
      coverage: p.numel === 0 ? null : p.selected / p.numel,
    })),
    weights: info.weights,
    files: info.files,
    metadata: info.metadata,
    problems: info.problems.map((p) => p.message),
  };
}

function render(info: CheckpointInspection): string[] {
  const a = info.architecture;
  const lines = formatFields([
    ['checkpoint', info.directory],
    ['input_dim', String(a.inputDim)],
    ['latent_dim', String(a.latentDim)],
    ['encoder', `${a.activationEncoder}(W_e x${hasEncoderBias(a) ? ' + b_e' : ''})`],
    ['decoder', `${a.activationDecoder}(W_d h${a.biasDecoder ? ' + b_d' : ''})`],
    ['dtype', a.dtype],
    ['mapping mode', info.mappingMode ?? '—'],
    ['param_map_hash', info.paramMapHash],
    [
      'unpruned length',
      `${info.unprunedLength} (input_dim is ${formatPercent(a.inputDim, info.unprunedLength)} of it)`,
    ],
  ]);
  lines.push('', 'parameters');
  lines.push(
    ...formatTable(
      [
        { header: 'name' },
        { header: 'shape' },
        { header: 'repr' },
        { header: 'selected', align: 'right' },
        { header: 'numel', align: 'right' },
        { header: 'coverage', align: 'right' },
      ],
      info.params.map((p) => [
        p.name,
        formatShape(p.shape),
        p.repr === p.savedRepr ? p.repr : `${p.repr} (saved ${p.savedRepr})`,
        String(p.selected),
        String(p.numel),
        formatPercent(p.selected, p.numel),
      ]),
    ),
  );
  if (info.weights) {
    lines.push('', `weights (${info.weightsFile})`);
    lines.push(
      ...formatTable(
        [{ header: 'name' }, { header: 'dtype' }, { header: 'shape' }, { header: 'size', align: 'right' }],
        info.weights.map((w) => [w.name, w.dtype, formatShape(w.shape), formatBytes(w.bytes)]),
      ),
    );
  }
  lines.push('', 'files');
  lines.push(
    ...formatTable(
      [{ header: 'name' }, { header: 'bytes', align: 'right' }, { header: 'size', align: 'right' }],
      info.files.map((f) => [f.name, String(f.bytes), formatBytes(f.bytes)]),
    ),
  );
  if (info.problems.length) {
    lines.push('', 'problems');
    for (const p of info.problems) lines.push(`  ${p.message}`);
  }
  return lines;
}
