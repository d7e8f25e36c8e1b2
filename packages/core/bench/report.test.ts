import { describe, expect, it } from 'vitest';
import { toJson, toTable } from './report.js';
import { STEPS } from './steps.js';
import { fakeReference, fakeResult } from './test-result.js';

interface StepJson {
  seconds: number;
  floor_seconds: number;
  floor_multiple: number;
  reference_seconds: number | null;
  speedup: number | null;
  targets: { kind: string; met: boolean | null }[];
}

describe('toJson', () => {
  it('with a reference: per-step reference, speed-up and verdicts, no unavailable reason', () => {
    const json = JSON.parse(toJson(fakeResult(), false, { reference: fakeReference() }));
    expect(Object.keys(json.seconds)).toEqual([...STEPS]);
    expect(json.threads).toBe(2);
    expect(json.floor_seconds.load).toBe(0.3);
    expect(json.reference).toMatchObject({
      torch_version: '1.13.0',
      threads: 2,
      weights_file: 'pytorch_model.bin',
      peak_rss_bytes: 9e9,
    });
    expect(json.reference.seconds.load).toBe(30);
    expect(json).not.toHaveProperty('reference_unavailable_reason');
    expect(json.weights_file).toBe('model.safetensors');
    const load = json.steps.load as StepJson;
    expect(load).toMatchObject({ seconds: 1, floor_seconds: 0.3, reference_seconds: 30, speedup: 30 });
    expect(load.floor_multiple).toBeCloseTo(1 / 0.3, 2);
    expect(load.targets).toEqual([expect.objectContaining({ kind: 'speedup', met: true })]);
    expect((json.steps.importance_decoder_weight as StepJson).targets.map((t) => t.kind)).toEqual([
      'speedup',
      'floor_multiple',
    ]);
    expect((json.steps.save as StepJson).targets).toEqual([]);
    expect(json.targets).toHaveLength(10);
    const { met, missed, not_judged } = json.targets_summary;
    expect(met + missed + not_judged).toBe(10);
    expect(not_judged).toBe(0);
  });

  it('without a reference: reference null, the reason, and no speed-up verdicts', () => {
    const json = JSON.parse(toJson(fakeResult(), false, { reference: null, reason: 'torch missing' }));
    expect(json.reference).toBeNull();
    expect(json.reference_unavailable_reason).toBe('torch missing');
    for (const s of STEPS) {
      const step = json.steps[s] as StepJson;
      expect(step.reference_seconds).toBeNull();
      expect(step.speedup).toBeNull();
      for (const t of step.targets.filter((x) => x.kind === 'speedup')) expect(t.met).toBeNull();
    }
    expect(json.targets_summary.not_judged).toBe(6);
  });
});

describe('toTable', () => {
  it('says the reference was not measured and why, and prints no speed-up', () => {
    const table = toTable(fakeResult(), false, { reference: null, reason: 'no --reference SRC_DIR given' });
    expect(table).toContain('reference not measured: no --reference SRC_DIR given');
    const load = table.split('\n').find((l) => l.startsWith('load '));
    // ours, floor, × floor, then '—' for both the reference and the speed-up.
    expect(load).toMatch(/1\.000 s\s+0\.300 s\s+3\.33\s+—\s+—\s+≥ 15× ref\s+not judged/);
    expect(table).toContain('not judged');
  });

  it('prints the reference, the speed-up and the verdicts', () => {
    const table = toTable(fakeResult(), false, { reference: fakeReference() });
    const load = table.split('\n').find((l) => l.startsWith('load '));
    expect(load).toMatch(/30\.000 s\s+30\.0×\s+≥ 15× ref\s+met/);
    const forward = table.split('\n').find((l) => l.startsWith('forward_1'));
    expect(forward).toContain('MISSED; met');
    expect(table).toContain('it loads pytorch_model.bin, ours loads model.safetensors');
  });
});
