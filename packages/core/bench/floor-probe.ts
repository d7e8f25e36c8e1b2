import type { GradiendModel } from '../src/index.js';
import { ENCODE_BATCH } from './steps.js';
import type { Step } from './steps.js';

/** Repeats of the floor pass per probe; the best one counts (the machine is shared, the best is the least disturbed). */
export const FLOOR_REPEATS = 3;

export interface FloorProbe {
  /** Bytes of the array the probe summed. */
  readonly bytes: number;
  /** The best of FLOOR_REPEATS passes, seconds. */
  readonly seconds: number;
  /** The sum (returned so the loop cannot be optimised away; checked finite). */
  readonly sum: number;
}

/**
 * One plain sequential read of `data`: a float64 sum over a typed array. Four accumulators, so the
 * loop waits on memory rather than on the latency of one chain of additions.
 */
export function sequentialSum(data: Float32Array | Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    s0 += data[i] as number;
    s1 += data[i + 1] as number;
    s2 += data[i + 2] as number;
    s3 += data[i + 3] as number;
  }
  for (; i < n; i++) s0 += data[i] as number;
  return s0 + s1 + s2 + s3;
}

/** Times a sequential pass over `data`, best of `repeats`. */
export function probeFloor(data: Float32Array | Float64Array, repeats = FLOOR_REPEATS): FloorProbe {
  // Warm the loop up first so the timed passes run optimised code, not the interpreter.
  const warm = data.subarray(0, Math.min(data.length, 1 << 16));
  let sum = 0;
  for (let r = 0; r < 20; r++) sum += sequentialSum(warm);
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    sum = sequentialSum(data);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { bytes: data.byteLength, seconds: best, sum };
}

/** The faster of two probes (one after load, one after the last step: load on the machine varies). */
export function bestProbe(a: FloorProbe, b: FloorProbe): FloorProbe {
  return a.seconds <= b.seconds ? a : b;
}

/**
 * Bytes each step reads from memory (weights and inputs; outputs are not counted), so a step's floor
 * is the probe's time scaled to these bytes. Load and save move the whole checkpoint.
 */
export function stepReadBytes(model: GradiendModel): Record<Step, number> {
  const cw = model.computeWeights();
  const enc = cw.encoderWeight.byteLength;
  const dec = cw.decoderWeight.byteLength;
  const bias = cw.decoderBias?.byteLength ?? 0;
  const all = enc + dec + bias;
  const row = model.inputDim * cw.encoderWeight.BYTES_PER_ELEMENT;
  return {
    save: all,
    load: all,
    importance_decoder_weight: dec,
    topk_1pct: dec,
    prune_topk_1pct: all,
    encode_batch8: enc + ENCODE_BATCH * row,
    forward_1: enc + row + dec + bias,
  };
}

/** The floor of every step: its read bytes at the probe's bandwidth. */
export function floorSeconds(probe: FloorProbe, bytes: Record<Step, number>): Record<Step, number> {
  const perByte = probe.seconds / probe.bytes;
  return Object.fromEntries(Object.entries(bytes).map(([s, b]) => [s, b * perByte])) as Record<Step, number>;
}
