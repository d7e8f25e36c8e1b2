import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCoreBenchOptions } from './bench-options.js';
import {
  parseReferenceOutput,
  ReferenceOutputError,
  referenceSource,
  runReference,
} from './reference-run.js';

const good = {
  seconds: {
    load: 12.5,
    importance_decoder_weight: 0.8,
    topk_1pct: 8,
    prune_topk_1pct: 20,
    encode_batch8: 1,
    forward_1: 1,
    save: 3,
  },
  peak_rss_bytes: 9_000_000_000,
  batch_bytes: 32_000,
  input_dim: 1000,
  torch_version: '1.13.0a0',
  threads: 2,
  python_version: '3.11.2',
  weights_file: 'pytorch_model.bin',
};

const withSeconds = (seconds: Record<string, unknown>): string => JSON.stringify({ ...good, seconds });

describe('parseReferenceOutput', () => {
  it('reads the last stdout line, even with log lines above it', () => {
    const r = parseReferenceOutput(`loading…\nsome warning\n${JSON.stringify(good)}\n`, 1000);
    expect(r.seconds).toEqual(good.seconds);
    expect(r).toMatchObject({ peakRssBytes: 9e9, torchVersion: '1.13.0a0', threads: 2, inputDim: 1000 });
    expect(r.weightsFile).toBe('pytorch_model.bin');
  });

  it.each([
    ['', /printed nothing/],
    ['Traceback (most recent call last):', /last stdout line is not JSON: Traceback/],
    ['[1, 2]', /one JSON object/],
    [JSON.stringify({ ...good, seconds: 3 }), /"seconds" must be an object/],
    [withSeconds({ ...good.seconds, load: undefined }), /"seconds" has no "load"/],
    [withSeconds({ ...good.seconds, forward_1: -1 }), /seconds\.forward_1 must be a positive number, got -1/],
    [withSeconds({ ...good.seconds, topk_1pct: 'fast' }), /seconds\.topk_1pct must be a positive number/],
    [withSeconds({ ...good.seconds, warmup: 1 }), /unknown step "warmup"/],
    [JSON.stringify({ ...good, input_dim: 999 }), /input_dim 999 differs from the benchmark's 1000/],
    [JSON.stringify({ ...good, threads: 1.5 }), /threads 1\.5 is not an integer/],
    [JSON.stringify({ ...good, torch_version: '' }), /torch_version must be a non-empty string/],
  ])('rejects %j with a clear message', (stdout, message) => {
    expect(() => parseReferenceOutput(stdout, 1000)).toThrow(ReferenceOutputError);
    expect(() => parseReferenceOutput(stdout, 1000)).toThrow(message);
  });
});

describe('referenceSource and --reference', () => {
  it('prefers the option, then GRADIEND_REFERENCE_SRC, else null', () => {
    expect(referenceSource('/a', { GRADIEND_REFERENCE_SRC: '/b' })).toBe('/a');
    expect(referenceSource(null, { GRADIEND_REFERENCE_SRC: '/b' })).toBe('/b');
    expect(referenceSource(null, {})).toBeNull();
    expect(referenceSource(null, { GRADIEND_REFERENCE_SRC: '' })).toBeNull();
  });

  it('parses --reference beside the shared flags', () => {
    expect(parseCoreBenchOptions(['--json', '--reference', '/src', '--threads', '1'])).toEqual({
      json: true,
      shrink: 1,
      threads: 1,
      reference: '/src',
    });
    expect(parseCoreBenchOptions(['--json'])).toMatchObject({ reference: null });
    expect(parseCoreBenchOptions(['--reference'])).toMatch(/--reference needs the source folder/);
    expect(parseCoreBenchOptions(['--reference', '--json'])).toMatch(/--reference needs the source folder/);
    expect(parseCoreBenchOptions(['--bogus'])).toMatch(
      /unknown option '--bogus'\nusage: .*--reference SRC_DIR/,
    );
  });
});

describe('runReference without a real reference', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'gradiend-ref-test-'));
  const source = path.join(tmp, 'src');
  mkdirSync(path.join(source, 'gradiend'), { recursive: true });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A stand-in interpreter: records the folder it was given, then runs `body` for `measure`. */
  function fakePython(name: string, measureBody: string): string {
    const file = path.join(tmp, name);
    writeFileSync(
      file,
      [
        '#!/bin/sh',
        `if [ "$2" = prepare ]; then echo "$4" > "${file}.dir"; exit 0; fi`,
        `echo "$PYTHONPATH" > "${file}.pythonpath"`,
        measureBody,
      ].join('\n'),
    );
    chmodSync(file, 0o755);
    return file;
  }

  const base = { checkpointDir: '/nowhere', inputDim: 1000, threads: 2, script: 'reference-timings.py' };

  it('a source folder without the gradiend package gives a reason, not numbers', async () => {
    const out = await runReference({ ...base, source: tmp });
    expect(out.reference).toBeNull();
    expect(out.reason).toBe(`${tmp} has no gradiend package folder`);
  });

  it('a missing interpreter gives a reason', async () => {
    const out = await runReference({ ...base, source, python: path.join(tmp, 'no-such-python') });
    expect(out.reference).toBeNull();
    expect(out.reason).toMatch(/^cannot run .*no-such-python: .*ENOENT/);
  });

  it("exit 3 passes the script's own reason through", async () => {
    const python = fakePython(
      'no-torch',
      'echo "torch is not importable with /usr/bin/python3: nope" >&2; exit 3',
    );
    const out = await runReference({ ...base, source, python });
    expect(out).toEqual({ reference: null, reason: 'torch is not importable with /usr/bin/python3: nope' });
  });

  it('malformed output becomes a reason naming the problem', async () => {
    const python = fakePython('garbage', 'echo "hello"');
    const out = await runReference({ ...base, source, python });
    expect(out.reference).toBeNull();
    expect(out.reason).toMatch(/last stdout line is not JSON: hello/);
  });

  it('a good run is parsed, the source is on PYTHONPATH and the temp folder is gone afterwards', async () => {
    const python = fakePython('good', `echo '${JSON.stringify(good)}'`);
    const out = await runReference({ ...base, source, python });
    expect(out.reference?.seconds.load).toBe(12.5);
    const dir = readFileSync(`${python}.dir`, 'utf8').trim();
    expect(dir.startsWith(path.join(os.tmpdir(), 'gradiend-bench-ref-'))).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(`${python}.pythonpath`, 'utf8').split(':')[0]?.trim()).toBe(source);
  });
});
