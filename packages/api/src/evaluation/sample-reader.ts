import path from 'node:path';
import { toFloat64, type ParamMap, type Tensor } from '@gradiend/core';
import { SafetensorsFile } from '@gradiend/core/node';
import { ApiError } from '../errors/api-error.js';
import type { LabeledSampleRecord, LabeledSetRecord } from '../storage/metadata-store.js';

const DDP_PREFIX = 'module.';

/** What a task needs to read a set's samples: its checked-out folder and the root's param map. */
export interface SetSource {
  readonly format: LabeledSetRecord['format'];
  /** The set's files as a local folder (names as stored). */
  readonly dir: string;
  readonly samples: readonly LabeledSampleRecord[];
  /** The batched tensor's file name (batched sets). */
  readonly batchedFile?: string;
}

function spaceError(detail: string): ApiError {
  return new ApiError('GRADIEND_ERR_LABELED_SET_SPACE', detail);
}

/**
 * For every input dim of `target`, its position in `root`'s input space, matched through the
 * parameter and its flat position (= the base-global index); null when both maps are the same.
 * A target dim the root does not select is outside the set's space.
 */
export function rootPositions(target: ParamMap, root: ParamMap): Int32Array | null {
  if (target.hash() === root.hash()) return null;
  const out = new Int32Array(target.selectedTotal);
  target.entries.forEach((e, i) => {
    if (e.numSelected === 0) return;
    const r = root.entries.findIndex((x) => x.name === e.name);
    const re = root.entries[r];
    if (!re || re.numel !== e.numel)
      throw spaceError(`parameter '${e.name}' is not in the labeled set's input space`);
    const rStart = root.inputOffset(r);
    let inverse: Int32Array | null = null;
    if (re.repr !== 'all') {
      inverse = new Int32Array(re.numel).fill(-1);
      const pos = re.selectedPositions();
      for (let j = 0; j < pos.length; j++) inverse[pos[j] as number] = j;
    }
    const start = target.inputOffset(i);
    const pos = e.repr === 'all' ? null : e.selectedPositions();
    for (let j = 0; j < e.numSelected; j++) {
      const p = pos ? (pos[j] as number) : j;
      const local = inverse ? (inverse[p] as number) : p;
      if (local < 0)
        throw spaceError(
          `entry ${p} of '${e.name}' is not in the labeled set's input space (its root prunes it away)`,
        );
      out[start + j] = rStart + local;
    }
  });
  return out;
}

function asFloats(t: Tensor): ArrayLike<number> {
  return t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : toFloat64(t);
}

/**
 * Reads a set's samples one at a time in `target`'s input space, divided by `scale` (as encode takes
 * them), into `slots` reused arrays (read(i) fills slot i mod slots): a BERT-space sample is read
 * parameter by parameter, never whole.
 */
export class SampleReader {
  private readonly slots: (Float32Array | Float64Array)[];
  private x: Float32Array | Float64Array;
  private batched: SafetensorsFile | null = null;

  constructor(
    private readonly source: SetSource,
    private readonly target: ParamMap,
    /** rootPositions(target, root) for batched sets. */
    private readonly positions: Int32Array | null,
    private readonly scale: number,
    precision: 'f32' | 'f64',
    slots = 1,
  ) {
    const n = target.selectedTotal;
    this.slots = Array.from({ length: slots }, () =>
      precision === 'f32' ? new Float32Array(n) : new Float64Array(n),
    );
    this.x = this.slots[0] as Float32Array | Float64Array;
  }

  /** Sample i's input vector (valid until sample i + slots is read). */
  async read(i: number): Promise<Float32Array | Float64Array> {
    this.x = this.slots[i % this.slots.length] as Float32Array | Float64Array;
    const sample = this.source.samples[i] as LabeledSampleRecord;
    if (this.source.format === 'batched') await this.readRow(sample.row as number);
    else await this.readFile(sample.file as string);
    if (this.scale !== 1)
      for (let j = 0; j < this.x.length; j++) this.x[j] = (this.x[j] as number) / this.scale;
    return this.x;
  }

  async close(): Promise<void> {
    await this.batched?.close();
    this.batched = null;
  }

  private async readRow(row: number): Promise<void> {
    this.batched ??= await SafetensorsFile.open(
      path.join(this.source.dir, this.source.batchedFile as string),
    );
    const info = this.batched.tensors[0];
    if (!info) throw new ApiError('GRADIEND_ERR_LABELED_SET', 'the batched gradient file holds no tensor');
    const width = info.shape[1] as number;
    if (this.positions === null && info.dtype === 'F32' && this.x instanceof Float32Array) {
      // Straight into the input, no copy.
      if (width !== this.x.length)
        throw spaceError(`the set's rows have ${width} dims, the version ${this.x.length}`);
      await this.batched.readRange(info.name, row * width, width, { into: this.x });
      return;
    }
    const data = await this.batched.readRange(info.name, row * width, width);
    const values = asFloats({ dtype: info.dtype, shape: [width], data } as Tensor);
    const pos = this.positions;
    if (pos === null) {
      if (values.length !== this.x.length)
        throw spaceError(`the set's rows have ${values.length} dims, the version ${this.x.length}`);
      this.x.set(values as ArrayLike<number>);
    } else for (let j = 0; j < pos.length; j++) this.x[j] = values[pos[j] as number] as number;
  }

  private async readFile(name: string): Promise<void> {
    const file = await SafetensorsFile.open(path.join(this.source.dir, name));
    try {
      const map = this.target;
      for (const [i, e] of map.entries.entries()) {
        if (e.numSelected === 0) continue;
        const tensor = file.has(e.name) ? e.name : `${DDP_PREFIX}${e.name}`;
        if (!file.has(tensor))
          throw new ApiError('GRADIEND_ERR_LABELED_SET', `${name} has no gradient for parameter '${e.name}'`);
        const start = map.inputOffset(i);
        if (e.repr === 'all' && file.info(tensor).dtype === 'F32' && this.x instanceof Float32Array) {
          await file.readTensor(tensor, { into: this.x.subarray(start, start + e.numel) });
          continue;
        }
        const values = asFloats(await file.readTensor(tensor));
        if (e.repr === 'all') this.x.set(values as ArrayLike<number>, start);
        else {
          const pos = e.selectedPositions();
          for (let j = 0; j < pos.length; j++) this.x[start + j] = values[pos[j] as number] as number;
        }
      }
    } finally {
      await file.close();
    }
  }
}
