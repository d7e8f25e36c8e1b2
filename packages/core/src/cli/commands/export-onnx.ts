import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { writeFileAtomic } from '../../checkpoint/save-checkpoint.js';
import { exportDecoderOnnx } from '../../onnx/export-decoder.js';
import { exportEncoderOnnx } from '../../onnx/export-encoder.js';
import { CliInputError, UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatBytes, formatTable } from '../format-table.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs } from '../parse-options.js';

const HELP = `usage: gradiend export-onnx <dir> --out <dir> [--force] [--json] [--verbose]

Writes encoder.onnx (input 'x' [batch, input_dim] → 'encoded' [batch, latent_dim]) and
decoder.onnx (input 'latent' [batch, latent_dim] → 'decoded' [batch, input_dim]).
The param_map_hash is recorded in the models' metadata.

options:
  --out DIR      output folder (created if needed)
  --force        replace existing encoder.onnx / decoder.onnx
  --json         print one JSON document
  -v, --verbose  report the time of every step
  -h, --help     show this help`;

export const ONNX_FILES = { encoder: 'encoder.onnx', decoder: 'decoder.onnx' } as const;

export const exportOnnxCommand: Command = {
  name: 'export-onnx',
  summary: 'write encoder.onnx and decoder.onnx',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    const [dir] = expectPositionals(positionals, ['<dir>']) as [string];
    const out = values.out;
    if (out === undefined) throw new UsageError('--out <dir> is required');
    const targets = [path.join(out, ONNX_FILES.encoder), path.join(out, ONNX_FILES.decoder)] as const;
    if (!values.force) {
      for (const t of targets) {
        if (await stat(t).catch(() => null)) {
          throw new CliInputError(`${t} already exists (use --force to replace it)`, t);
        }
      }
    }

    const { model } = await progress.step('load', () => loadCheckpoint(dir));
    const hash = model.paramMapHash();
    const [encoder, decoder] = await progress.step('export', () => [
      exportEncoderOnnx(model, { paramMapHash: hash }),
      exportDecoderOnnx(model, { paramMapHash: hash }),
    ]);
    await progress.step('write', async () => {
      await mkdir(out, { recursive: true });
      await writeFileAtomic(targets[0], encoder);
      await writeFileAtomic(targets[1], decoder);
    });

    const files = [
      { name: targets[0], bytes: encoder.byteLength },
      { name: targets[1], bytes: decoder.byteLength },
    ];
    if (values.json) {
      writeJson(io.stdout, {
        input_dim: model.inputDim,
        latent_dim: model.latentDim,
        param_map_hash: hash,
        files,
      });
      return 0;
    }
    const table = formatTable(
      [{ header: 'file' }, { header: 'bytes', align: 'right' }, { header: 'size', align: 'right' }],
      files.map((f) => [f.name, String(f.bytes), formatBytes(f.bytes)]),
    );
    for (const line of table) writeLine(io.stdout, line);
    return 0;
  },
};
