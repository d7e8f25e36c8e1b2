// Reads a reference case's expected.json / expected.safetensors for tests.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { readSafetensorsBuffer } from '../safetensors/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { FIXTURES_DIR } from './fixtures.js';

export interface ExpectedParam {
  name: string;
  shape: number[];
  repr: 'all' | 'mask' | 'indices';
  selected: number[];
}

export interface ExpectedCase {
  input_dim: number;
  latent_dim: number;
  unpruned_length: number;
  dtype: string;
  param_map_hash: string;
  param_map: ExpectedParam[];
  prunes: Array<{
    id: number;
    args: Record<string, unknown>;
    input_dim?: number;
    param_map_hash?: string;
    param_map?: ExpectedParam[];
    error?: { type: string; message: string };
  }>;
}

export function caseNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((c) => existsSync(path.join(FIXTURES_DIR, c, 'expected.json')))
    .sort();
}

export function readExpected(caseName: string): ExpectedCase {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, caseName, 'expected.json'), 'utf8')) as ExpectedCase;
}

export function readExpectedTensors(caseName: string): Map<string, Tensor> {
  const bytes = new Uint8Array(readFileSync(path.join(FIXTURES_DIR, caseName, 'expected.safetensors')));
  return readSafetensorsBuffer(bytes).tensors();
}

export function caseModelDir(caseName: string): string {
  return path.join(FIXTURES_DIR, caseName, 'model');
}
