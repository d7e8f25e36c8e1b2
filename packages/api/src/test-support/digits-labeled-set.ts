// The reference demo's 24 held-out digit gradients as a labeled set: manifest rows, upload parts and
// the core's own encodings of them (the independent side of evaluation tests).
import fs from 'node:fs';
import path from 'node:path';
import type { GradiendModel, GradientTensor } from '@gradiend/core';
import { readTensorFile } from '@gradiend/core/node';
import { digitsPath } from './fixtures.js';
import type { Part } from './multipart.js';

interface DemoIndex {
  input_scale: number;
  samples: { file: string; digit: number; encoded_after_input_scale: number }[];
}

export const DIGITS_GRADIENTS = digitsPath('gradients');
export const DIGITS_CHECKPOINT = digitsPath('gradiend-digits-3-vs-8');
export const digitsIndex = JSON.parse(
  fs.readFileSync(path.join(DIGITS_GRADIENTS, 'index.json'), 'utf8'),
) as DemoIndex;
const direction = (
  JSON.parse(fs.readFileSync(path.join(DIGITS_CHECKPOINT, 'gradiend_context.json'), 'utf8')) as {
    feature_class_encoding_direction: Record<string, number>;
  }
).feature_class_encoding_direction;

/** One manifest row per sample: label from the context's direction, alternating train/test splits. */
export const digitsManifestRows = digitsIndex.samples.map((s, i) => ({
  file: s.file,
  label: direction[String(s.digit)] as number,
  type: 'training',
  source_id: String(s.digit),
  data_split: i % 2 === 0 ? 'train' : 'test',
}));

export function manifestCsv(rows: readonly Record<string, string | number>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n');
}

/** The multipart parts of a per-sample set upload: name, root version, manifest and the 24 files. */
export function digitsSetParts(name: string, version: string, manifest: Part): Part[] {
  return [
    { field: 'name', value: name },
    { field: 'version', value: version },
    manifest,
    ...digitsIndex.samples.map((s) => ({
      field: 'gradients',
      filename: s.file,
      value: fs.readFileSync(path.join(DIGITS_GRADIENTS, s.file)),
    })),
  ];
}

/** Each sample's flattened gradient in `model`'s input space (the core's own flatten), unscaled. */
export async function flattenedDigits(model: GradiendModel): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const s of digitsIndex.samples) {
    const grads = new Map<string, GradientTensor>();
    for (const [name, t] of await readTensorFile(path.join(DIGITS_GRADIENTS, s.file)))
      grads.set(name, { shape: t.shape, data: t.data as Float32Array });
    out.push(Float32Array.from(model.flattenGradientDict(grads)));
  }
  return out;
}

/** The core's encodings (first latent dim) of flattened samples: encode(x / input_scale). */
export function coreEncodings(model: GradiendModel, xs: readonly Float32Array[], scale: number): number[] {
  return xs.map((x) => model.encode(Float32Array.from(x, (v) => v / scale))[0] as number);
}
