import { describe, expect, it } from 'vitest';
import { evaluationJobKey, pruningCurveJobKey } from './evaluation-jobs.js';

const args = { model: 'm', version: 3, content: 'c1', set: { name: 's', content: 'h1' } };
const curve = { ...args, part: 'decoder-weight' as const, points: 40, ks: [12, 5] };

describe('evaluation job keys', () => {
  it('change with the version content, the set content and the arguments', () => {
    const keys = [
      evaluationJobKey(args),
      evaluationJobKey({ ...args, content: 'c2' }),
      evaluationJobKey({ ...args, set: { ...args.set, content: 'h2' } }),
      pruningCurveJobKey(curve),
      pruningCurveJobKey({ ...curve, points: 20 }),
      pruningCurveJobKey({ ...curve, part: 'encoder-weight' }),
      pruningCurveJobKey({ ...curve, ks: [12] }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('name what the answer states: the same files under another model or set name are another job', () => {
    expect(evaluationJobKey({ ...args, model: 'copy' })).not.toBe(evaluationJobKey(args));
    expect(evaluationJobKey({ ...args, set: { ...args.set, name: 't' } })).not.toBe(evaluationJobKey(args));
  });

  it("do not depend on the order extra k's are given in", () => {
    expect(pruningCurveJobKey({ ...curve, ks: [5, 12] })).toBe(pruningCurveJobKey(curve));
  });
});
