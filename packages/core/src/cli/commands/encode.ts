import { open, stat } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import { loadCheckpoint } from '../../checkpoint/load-checkpoint.js';
import { InputShapeError } from '../../errors.js';
import type { GradiendModel } from '../../model/gradiend-model.js';
import type { GradientTensor } from '../../model/gradient-dict.js';
import type { FloatArray } from '../../model/types.js';
import { SafetensorsFile } from '../../safetensors/node.js';
import { toFloat64 } from '../../tensor/convert.js';
import { CliInputError, UsageError } from '../cli-errors.js';
import { writeJson, writeLine } from '../cli-io.js';
import type { Command } from '../command.js';
import { formatFloat, formatTable } from '../format-table.js';
import { COMMON_OPTIONS, expectPositionals, parseCommandArgs, parseNumber } from '../parse-options.js';

const HELP = `usage: gradiend encode <dir> <input>... [--scale S | --scale-from-training] [--json] [--verbose]

Encodes gradients to the latent space. Each <input> is either
  *.safetensors  one sample: per-parameter gradients keyed by base parameter name
                 (a 'module.' prefix is accepted; only the param map's selection is used)
  *.f32          raw little-endian float32, [batch × input_dim] row-major
Prints one latent vector per sample.

options:
  --scale S              divide the inputs by S before encoding
  --scale-from-training  use training.json's input_scale as S (how the reference encodes)
  --json                 print one JSON document
  -v, --verbose          report the time of every step
  -h, --help             show this help`;

/** Raw inputs are read in pieces of at most this many bytes (a single read must stay below 2 GiB). */
const READ_CHUNK_BYTES = 1 << 30;

export interface Encoding {
  readonly source: string;
  /** Row within a raw .f32 batch; 0 for a safetensors sample. */
  readonly row: number;
  readonly encoded: number[];
}

export const encodeCommand: Command = {
  name: 'encode',
  summary: 'encode per-parameter gradients (.safetensors) or raw float32 batches (.f32)',
  help: HELP,
  async run(args, { io, progress }) {
    const { values, positionals } = parseCommandArgs(args, {
      ...COMMON_OPTIONS,
      scale: { type: 'string' },
      'scale-from-training': { type: 'boolean' },
    });
    const [dir, ...inputs] = expectPositionals(positionals, ['<dir>', '<input>'], true) as [
      string,
      ...string[],
    ];
    for (const input of inputs) inputKind(input);
    if (values.scale !== undefined && values['scale-from-training']) {
      throw new UsageError('--scale and --scale-from-training exclude each other');
    }
    let scale = values.scale === undefined ? null : parseNumber(values.scale, '--scale');
    if (scale === 0) throw new UsageError('--scale must not be 0');

    const loaded = await progress.step('load', () => loadCheckpoint(dir));
    const { model } = loaded;
    if (values['scale-from-training']) scale = inputScaleOf(loaded.training, dir);

    const encodings: Encoding[] = [];
    await progress.step('encode', async () => {
      for (const input of inputs) {
        if (inputKind(input) === 'safetensors') {
          const x = model.flattenGradientDict(await readGradientDict(input));
          encodings.push({ source: input, row: 0, encoded: encodeScaled(model, x, scale) });
        } else {
          await forEachRawRow(input, model.inputDim, (x, row) => {
            encodings.push({ source: input, row, encoded: encodeScaled(model, x, scale) });
          });
        }
      }
    });

    if (values.json) {
      writeJson(io.stdout, {
        input_dim: model.inputDim,
        latent_dim: model.latentDim,
        scale,
        encodings,
      });
      return 0;
    }
    writeLine(
      io.stdout,
      `${encodings.length} sample(s), input_dim ${model.inputDim}, latent_dim ${model.latentDim}` +
        (scale === null ? '' : `, inputs divided by ${scale}`),
    );
    const rawBatches = new Set(encodings.filter((e) => inputKind(e.source) === 'f32').map((e) => e.source));
    const table = formatTable(
      [
        { header: 'sample' },
        ...Array.from({ length: model.latentDim }, (_, i) => ({
          header: model.latentDim === 1 ? 'encoded' : `h[${i}]`,
          align: 'right' as const,
        })),
      ],
      encodings.map((e) => [
        rawBatches.has(e.source) ? `${path.basename(e.source)}[${e.row}]` : path.basename(e.source),
        ...e.encoded.map(formatFloat),
      ]),
    );
    for (const line of table) writeLine(io.stdout, line);
    return 0;
  },
};

function inputKind(file: string): 'safetensors' | 'f32' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.safetensors') return 'safetensors';
  if (ext === '.f32') return 'f32';
  throw new UsageError(`input '${file}' must be a .safetensors gradient file or a raw .f32 batch`);
}

export function inputScaleOf(training: unknown, dir: string): number {
  const scale =
    training !== null && typeof training === 'object'
      ? (training as Record<string, unknown>)['input_scale']
      : undefined;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale === 0) {
    throw new CliInputError(`--scale-from-training: ${dir} has no training.json with a non-zero input_scale`);
  }
  return scale;
}

function encodeScaled(model: GradiendModel, x: FloatArray, scale: number | null): number[] {
  if (scale !== null) for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) / scale;
  return Array.from(model.encode(x));
}

export async function readGradientDict(file: string): Promise<Map<string, GradientTensor>> {
  const f = await SafetensorsFile.open(file);
  try {
    const tensors = await f.readAll();
    const grads = new Map<string, GradientTensor>();
    for (const [name, t] of tensors) {
      const data = t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : toFloat64(t);
      grads.set(name, { shape: t.shape, data });
    }
    return grads;
  } finally {
    await f.close();
  }
}

export async function forEachRawRow(
  file: string,
  inputDim: number,
  onRow: (x: Float32Array, row: number) => void,
): Promise<void> {
  const rowBytes = inputDim * 4;
  const { size } = await stat(file);
  if (size === 0 || size % rowBytes !== 0) {
    throw new InputShapeError(
      `${file}: ${size} bytes is not a whole number of float32 rows of input_dim ${inputDim} (${rowBytes} bytes each)`,
    );
  }
  const handle = await open(file, 'r');
  try {
    for (let row = 0; row * rowBytes < size; row++) {
      const x = new Float32Array(inputDim);
      const bytes = new Uint8Array(x.buffer);
      for (let done = 0; done < rowBytes;) {
        const length = Math.min(READ_CHUNK_BYTES, rowBytes - done);
        const { bytesRead } = await handle.read(bytes, done, length, row * rowBytes + done);
        if (bytesRead === 0) throw new CliInputError(`${file}: unexpected end of file`, file);
        done += bytesRead;
      }
      if (endianness() === 'BE') swapFloat32(bytes);
      onRow(x, row);
    }
  } finally {
    await handle.close();
  }
}

function swapFloat32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1] as number;
    bytes[i] = bytes[i + 3] as number;
    bytes[i + 1] = bytes[i + 2] as number;
    bytes[i + 2] = b1;
    bytes[i + 3] = b0;
  }
}
