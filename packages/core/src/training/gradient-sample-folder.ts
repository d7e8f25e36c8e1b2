import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readTensorFile } from '../checkpoint/load-checkpoint.js';
import { TrainingError } from '../errors.js';
import { ParamMap } from '../mapping/param-map.js';
import { flattenGradientDict } from '../model/gradient-dict.js';
import type { GradientTensor } from '../model/gradient-dict.js';
import type { Tensor } from '../tensor/tensor.js';
import { toFloat64 } from '../tensor/convert.js';
import type { GradientSample } from './training-options.js';

/** The index of a labeled gradient folder (the layout of the digits demo's `gradients/`). */
export const SAMPLE_INDEX_FILE = 'index.json';

/** One entry of index.json `samples`. */
export interface SampleIndexEntry {
  /** Per-parameter factual gradients (safetensors, keyed by base parameter name). */
  readonly file: string;
  /** Per-parameter alternative (counterfactual) gradients, when the folder has them. */
  readonly alternative_file?: string;
  /** The feature class; `digit` is accepted for the reference demo's folders. */
  readonly class?: string;
  readonly digit?: number;
}

export interface GradientSampleFolder {
  readonly dir: string;
  readonly paramMap: ParamMap;
  readonly samples: GradientSample[];
  readonly files: string[];
  /** index.json `feature_class_encoding_direction`, when it has one. */
  readonly direction: Record<string, number> | null;
}

function fail(dir: string, message: string): never {
  throw new TrainingError(`${path.basename(dir)}/${SAMPLE_INDEX_FILE}: ${message}`, 'samples');
}

function insideFolder(dir: string, name: unknown, where: string): string {
  if (typeof name !== 'string' || name === '' || path.basename(name) !== name) {
    fail(dir, `${where} must be a file name inside the folder, got ${JSON.stringify(name)}`);
  }
  return path.join(dir, name);
}

async function readGradients(file: string): Promise<Map<string, Tensor>> {
  return readTensorFile(file);
}

function asGradientDict(tensors: Map<string, Tensor>): Map<string, GradientTensor> {
  return new Map(
    [...tensors].map(([name, t]) => [
      name,
      { shape: t.shape, data: t.data instanceof Float32Array ? t.data : toFloat64(t) },
    ]),
  );
}

/**
 * Reads a folder of labeled per-parameter gradient files: index.json lists `samples` (file, class
 * or digit, optional alternative_file) and may give `params` (the param-map order) and
 * `feature_class_encoding_direction`. Without `params` and `paramMap` the map takes every tensor
 * of the first file, in file order. Every sample is flattened through the param map.
 */
export async function readGradientSampleFolder(
  dir: string,
  paramMap?: ParamMap,
): Promise<GradientSampleFolder> {
  let index: unknown;
  try {
    index = JSON.parse(await readFile(path.join(dir, SAMPLE_INDEX_FILE), 'utf8'));
  } catch (e) {
    throw new TrainingError(
      `cannot read ${path.basename(dir)}/${SAMPLE_INDEX_FILE}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      'samples',
    );
  }
  if (
    index === null ||
    typeof index !== 'object' ||
    !Array.isArray((index as { samples?: unknown }).samples)
  ) {
    fail(dir, 'expected an object with a "samples" array');
  }
  const record = index as {
    samples: unknown[];
    params?: unknown;
    feature_class_encoding_direction?: unknown;
  };
  if (record.samples.length === 0) fail(dir, '"samples" is empty');
  const entries = record.samples.map((s, i) => {
    if (s === null || typeof s !== 'object') fail(dir, `samples[${i}] is not an object`);
    const e = s as Record<string, unknown>;
    const featureClass =
      typeof e.class === 'string' ? e.class : typeof e.digit === 'number' ? String(e.digit) : null;
    if (featureClass === null) fail(dir, `samples[${i}] has neither a string "class" nor a numeric "digit"`);
    return {
      factual: insideFolder(dir, e.file, `samples[${i}].file`),
      alternative:
        e.alternative_file === undefined
          ? null
          : insideFolder(dir, e.alternative_file, `samples[${i}].alternative_file`),
      featureClass,
    };
  });

  let map = paramMap;
  if (!map) {
    const first = await readGradients(entries[0]?.factual as string);
    let names: string[];
    if (record.params !== undefined) {
      if (!Array.isArray(record.params) || record.params.some((p) => typeof p !== 'string'))
        fail(dir, '"params" must be an array of parameter names');
      names = record.params as string[];
    } else {
      names = [...first.keys()];
    }
    map = ParamMap.fromSpecs(
      names.map((name) => {
        const t = first.get(name);
        if (!t)
          fail(
            dir,
            `"params" names '${name}', which ${path.basename(entries[0]?.factual ?? '')} does not hold`,
          );
        return { name, shape: t.shape, repr: 'all' as const };
      }),
    );
  }
  const samples: GradientSample[] = [];
  for (const e of entries) {
    const flat = (file: string) =>
      readGradients(file).then((t) =>
        flattenGradientDict(map, asGradientDict(t), new Float32Array(map.selectedTotal)),
      );
    const factual = await flat(e.factual);
    const alternative = e.alternative ? await flat(e.alternative) : undefined;
    samples.push(
      alternative
        ? { featureClass: e.featureClass, factual, alternative }
        : { featureClass: e.featureClass, factual },
    );
  }
  let direction: Record<string, number> | null = null;
  const d = record.feature_class_encoding_direction;
  if (d !== undefined) {
    if (d === null || typeof d !== 'object' || Object.values(d).some((v) => typeof v !== 'number')) {
      fail(dir, '"feature_class_encoding_direction" must map class names to numbers');
    }
    direction = d as Record<string, number>;
  }
  return { dir, paramMap: map, samples, files: entries.map((e) => path.basename(e.factual)), direction };
}

/** The reference's pair convention for two classes: the first to appear → +1, the second → −1. */
export function directionFromClasses(classes: readonly string[]): Record<string, number> {
  const distinct = [...new Set(classes)];
  if (distinct.length !== 2) {
    throw new TrainingError(
      `cannot derive the class directions from ${distinct.length} classes (${distinct.join(', ')}); name them with --classes`,
      'featureClassEncodingDirection',
    );
  }
  return { [distinct[0] as string]: 1, [distinct[1] as string]: -1 };
}
