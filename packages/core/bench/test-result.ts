// Test-only: a CoreBenchResult with round numbers (imported by *.test.ts only).
import type { CoreBenchResult } from './run-core-bench.js';
import type { ReferenceTimings } from './reference-run.js';
import type { StepSeconds } from './steps.js';

export function fakeResult(overrides: Partial<CoreBenchResult> = {}): CoreBenchResult {
  const seconds: StepSeconds = {
    save: 2,
    load: 1,
    importance_decoder_weight: 0.2,
    topk_1pct: 0.4,
    prune_topk_1pct: 0.5,
    encode_batch8: 0.4,
    forward_1: 0.3,
  };
  const floorSeconds: StepSeconds = {
    save: 0.3,
    load: 0.3,
    importance_decoder_weight: 0.1,
    topk_1pct: 0.1,
    prune_topk_1pct: 0.3,
    encode_batch8: 0.25,
    forward_1: 0.2,
  };
  return {
    inputDim: 1000,
    seconds,
    peakRssBytes: 5e9,
    peakRssExclBatchBytes: 1.5e9,
    batchBytes: 32_000,
    peakRssByStep: { load: 1e9 },
    generateSeconds: 3,
    checkpointDir: '/tmp/x',
    floor: { bytes: 4000, seconds: 0.1, sum: 1 },
    floorSeconds,
    threads: 2,
    ...overrides,
  };
}

export function fakeReference(overrides: Partial<ReferenceTimings> = {}): ReferenceTimings {
  return {
    seconds: {
      save: 4,
      load: 30,
      importance_decoder_weight: 0.8,
      topk_1pct: 4,
      prune_topk_1pct: 20,
      encode_batch8: 0.8,
      forward_1: 0.3,
    },
    peakRssBytes: 9e9,
    batchBytes: 32_000,
    inputDim: 1000,
    torchVersion: '1.13.0',
    threads: 2,
    pythonVersion: '3.11.2',
    weightsFile: 'pytorch_model.bin',
    ...overrides,
  };
}
