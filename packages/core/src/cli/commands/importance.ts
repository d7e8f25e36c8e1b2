import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import type { ImportancePart } from '../../model/importance.js';
import type { TopKSpec } from '../../model/prune-arguments.js';
import { UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFloat, formatTable } from '../format-table.js';
import {
  COMMON_OPTIONS,
  partHelp,
  describeTopK,
  expectPositionals,
  parseCommandArgs,
  parsePart,
  parseTopK,
} from '../parse-options.js';

const HELP = `usage: gradiend importance <dir> [--part P] [--top K] [--csv | --json] [--verbose]

Ranks the input dimensions by importance, most important first. Each row: rank, importance,
local index (GRADIEND input position), base-global index, parameter name, flat index in the
parameter and its coordinates.

options:
  ${partHelp(14)}
  --top K       how many rows: a count (100), a fraction (0.01) or a percentage (1%) (default 20)
  --csv         print CSV instead of a table
  --json        print one JSON document
  -v, --verbose report the time of every step
  -h, --help    show this help`;

export interface ImportanceRow {
  readonly rank: number;
  readonly importance: number;
  readonly local_index: number;
  readonly base_global_index: number;
  readonly param_name: string;
  readonly flat_index: number;
  readonly coords: readonly number[];
}

export const importanceCommand: Command = {
  name: 'importance',
  summary: 'top-k input dimensions by importance, decoded to parameter coordinates',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      part: { type: 'string' },
      top: { type: 'string' },
      csv: { type: 'boolean' },
    });
    const [dir] = expectPositionals(positionals, ['<dir>']) as [string];
    if (values.csv && values.json) throw new UsageError('--csv and --json exclude each other');
    const part = parsePart(values.part);
    const top = parseTopK(values.top ?? '20', '--top');
    if (typeof top === 'object' && 'count' in top && top.count < 1) {
      throw new UsageError(`--top must be at least 1, got ${top.count}`);
    }

    const { model } = await progress.step('load', () => loadCheckpoint(dir));
    const rows = await progress.step('importance', () => importanceRows(model, part, top));

    if (values.json) {
      writeJson(io.stdout, {
        part,
        top: describeTopK(top),
        input_dim: model.inputDim,
        param_map_hash: model.paramMapHash(),
        rows,
      });
    } else if (values.csv) {
      writeLine(io.stdout, 'rank,importance,local_index,base_global_index,param_name,flat_index,coords');
      for (const r of rows) {
        const cells = [r.rank, r.importance, r.local_index, r.base_global_index, r.param_name, r.flat_index];
        writeLine(io.stdout, [...cells.map(String), r.coords.join(' ')].map(csvField).join(','));
      }
    } else {
      writeLine(io.stdout, `${part}, top ${describeTopK(top)} of ${model.inputDim} input dimensions`);
      const table = formatTable(
        [
          { header: 'rank', align: 'right' },
          { header: 'importance', align: 'right' },
          { header: 'local', align: 'right' },
          { header: 'base-global', align: 'right' },
          { header: 'parameter' },
          { header: 'flat', align: 'right' },
          { header: 'coords' },
        ],
        rows.map((r) => [
          String(r.rank),
          formatFloat(r.importance),
          String(r.local_index),
          String(r.base_global_index),
          r.param_name,
          String(r.flat_index),
          `(${r.coords.join(', ')})`,
        ]),
      );
      for (const line of table) writeLine(io.stdout, line);
    }
    return 0;
  },
};

export function importanceRows(model: GradiendModel, part: ImportancePart, top: TopKSpec): ImportanceRow[] {
  const importance = model.importance(part);
  const indices = model.topK(part, top);
  return Array.from(indices, (local, i) => {
    const base = model.baseGlobalIndex(local);
    const decoded = model.decodeBaseGlobalIndex(base);
    return {
      rank: i + 1,
      importance: importance[local] as number,
      local_index: local,
      base_global_index: base,
      param_name: decoded.paramName,
      flat_index: decoded.flatIndexInParam,
      coords: decoded.coords,
    };
  });
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
