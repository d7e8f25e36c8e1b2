import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { saveCheckpoint } from '../../checkpoint/save-checkpoint.js';
import { CONTEXT_FILE } from '../../checkpoint/state-dict-names.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import type { PruneOptions } from '../../model/prune-arguments.js';
import { CliInputError, UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFields, formatShape, formatTable } from '../format-table.js';
import {
  COMMON_OPTIONS,
  partHelp,
  describeTopK,
  expectPositionals,
  parseCommandArgs,
  parseNumber,
  parsePart,
  parseTopK,
} from '../parse-options.js';
import { prepareOutput } from '../output-folder.js';
import { readIndexFile } from '../read-index-file.js';

const HELP = `usage: gradiend prune <dir> (--topk K | --threshold T | --keep-idx FILE) [--part P]
                     --out <dir> [--force] [--json] [--verbose]

Physically removes input dimensions (the reference's prune) and saves the pruned checkpoint
(training.json and gradiend_context.json are kept). --topk and --threshold may be combined
(threshold first, then top-k); --keep-idx names the input indices to keep explicitly.

options:
  --topk K         keep the K most important: a count (100), a fraction (0.01) or a percentage (1%)
  --threshold T    keep dimensions whose importance is ≥ T
  --keep-idx FILE  keep these input indices (.safetensors integer tensor, .json array, or text)
  ${partHelp(17)}
  --out DIR        where to save the pruned checkpoint (must be empty or absent)
  --force          write into a non-empty --out (its checkpoint files are replaced)
  --json           print one JSON document
  -v, --verbose    report the time of every step
  -h, --help       show this help`;

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'prune by top-k, threshold or explicit indices and save the result',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      topk: { type: 'string' },
      threshold: { type: 'string' },
      'keep-idx': { type: 'string' },
      part: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    const [dir] = expectPositionals(positionals, ['<dir>']) as [string];
    const out = values.out;
    if (out === undefined) throw new UsageError('--out <dir> is required');
    const keepIdxFile = values['keep-idx'];
    if (values.topk === undefined && values.threshold === undefined && keepIdxFile === undefined) {
      throw new UsageError('give --topk, --threshold or --keep-idx');
    }
    if (keepIdxFile !== undefined && (values.topk !== undefined || values.threshold !== undefined)) {
      throw new UsageError('--keep-idx excludes --topk and --threshold');
    }
    const topk = values.topk === undefined ? undefined : parseTopK(values.topk, '--topk');
    const threshold =
      values.threshold === undefined ? undefined : parseNumber(values.threshold, '--threshold');
    const part = parsePart(values.part);
    if (path.resolve(out) === path.resolve(dir)) {
      throw new CliInputError(`--out must differ from the source checkpoint ${dir}`, out);
    }
    await prepareOutput(out, values.force === true);

    const keepIdx = keepIdxFile === undefined ? undefined : await readIndexFile(keepIdxFile);
    const loaded = await progress.step('load', () => loadCheckpoint(dir));
    const before = loaded.model;
    const options: PruneOptions = keepIdx ? { keepIdx } : { topk, threshold, part };
    const { model: after } = await progress.step('prune', () => before.prune(options));
    const written = await progress.step('save', async () => {
      // training.json comes back from the model's metadata; gradiend_context.json is copied byte for byte.
      const files = await saveCheckpoint(out, after);
      const context = path.join(loaded.directory, CONTEXT_FILE);
      if (await isFile(context)) {
        await copyFile(context, path.join(out, CONTEXT_FILE));
        files.push(CONTEXT_FILE);
      }
      return files;
    });

    const params = keptPerParam(before, after);
    const criteria = keepIdx
      ? { keep_idx: keepIdxFile, keep_idx_count: keepIdx.length }
      : { topk: topk === undefined ? null : describeTopK(topk), threshold: threshold ?? null, part };
    if (values.json) {
      writeJson(io.stdout, {
        source: dir,
        out,
        criteria,
        before: { input_dim: before.inputDim, param_map_hash: before.paramMapHash() },
        after: { input_dim: after.inputDim, param_map_hash: after.paramMapHash() },
        unpruned_length: after.unprunedLength(),
        params,
        files: written,
      });
      return 0;
    }
    for (const line of formatFields([
      ['source', dir],
      ['out', out],
      [
        'criteria',
        Object.entries(criteria)
          .filter(([, v]) => v !== null)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' '),
      ],
      ['input_dim', `${before.inputDim} → ${after.inputDim}`],
      ['param_map_hash', `${before.paramMapHash()} → ${after.paramMapHash()}`],
      ['files', written.join(', ')],
    ])) {
      writeLine(io.stdout, line);
    }
    writeLine(io.stdout);
    const table = formatTable(
      [
        { header: 'parameter' },
        { header: 'shape' },
        { header: 'before', align: 'right' },
        { header: 'kept', align: 'right' },
        { header: 'numel', align: 'right' },
        { header: 'repr' },
      ],
      params.map((p) => [
        p.name,
        formatShape(p.shape),
        String(p.selected_before),
        String(p.selected_after),
        String(p.numel),
        p.repr_before === p.repr_after ? p.repr_after : `${p.repr_before} → ${p.repr_after}`,
      ]),
    );
    for (const line of table) writeLine(io.stdout, line);
    return 0;
  },
};

function keptPerParam(before: GradiendModel, after: GradiendModel) {
  return after.paramMap.entries.map((e) => {
    const old = before.paramMap.entry(e.name);
    return {
      name: e.name,
      shape: e.shape,
      numel: e.numel,
      selected_before: old?.numSelected ?? 0,
      selected_after: e.numSelected,
      repr_before: old?.repr ?? null,
      repr_after: e.repr,
    };
  });
}

async function isFile(p: string): Promise<boolean> {
  const s = await stat(p).catch(() => null);
  return s?.isFile() ?? false;
}
