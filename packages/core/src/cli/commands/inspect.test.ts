import { readFileSync, readdirSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, digitsPath, fixturePath } from '../../test-support/fixtures.js';
import { runCaptured, runJson, tempDir } from '../testing/run-captured.js';

interface ExpectedCase {
  readonly input_dim: number;
  readonly unpruned_length: number;
  readonly param_map_hash: string;
  readonly param_map: readonly { name: string; shape: number[]; repr: string; selected: number[] }[];
}

interface InspectJson {
  readonly input_dim: number;
  readonly unpruned_length: number;
  readonly param_map_hash: string;
  readonly selected_total: number;
  readonly params: readonly {
    name: string;
    shape: number[];
    repr: string;
    selected: number;
    numel: number;
  }[];
  readonly files: readonly { name: string; bytes: number }[];
  readonly weights: readonly { name: string; shape: number[] }[] | null;
  readonly problems: readonly string[];
}

const CASES = readdirSync(FIXTURES_DIR).filter((c) => !c.startsWith('.'));

describe('gradiend inspect', () => {
  it.each(CASES)('%s: numbers equal the reference expected.json', async (name) => {
    const expected = JSON.parse(readFileSync(fixturePath(name, 'expected.json'), 'utf8')) as ExpectedCase;
    const got = await runJson<InspectJson>('inspect', fixturePath(name, 'model'));
    expect(got.input_dim).toBe(expected.input_dim);
    expect(got.selected_total).toBe(expected.input_dim);
    expect(got.unpruned_length).toBe(expected.unpruned_length);
    expect(got.param_map_hash).toBe(expected.param_map_hash);
    expect(got.params.map((p) => [p.name, p.shape, p.repr, p.selected])).toEqual(
      expected.param_map.map((p) => [p.name, p.shape, p.repr, p.selected.length]),
    );
    expect(got.problems).toEqual([]);
    expect(got.files.find((f) => f.name === 'config.json')?.bytes).toBeGreaterThan(0);
  });

  it('prints an aligned human-readable report', async () => {
    const r = await runCaptured('inspect', digitsPath('gradiend-digits-3-vs-8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('param_map_hash   ');
    expect(r.stdout).toMatch(/^fc1\.weight +\[32, 64\] +all +2048 +2048 +100\.00 %$/m);
    expect(r.stdout).toMatch(/^model\.safetensors +29268 /m);
    expect(r.stdout).toContain('training.json');
  });

  it('reads only headers: a sparse multi-GiB checkpoint inspects instantly', async () => {
    // 300M input dims: ~3.6 GB of weights that exist only as a hole in a sparse file.
    const n = 300_000_000;
    const dir = await tempDir('sparse');
    const tensors: [string, number[]][] = [
      ['decoder.0.linear.bias', [n]],
      ['decoder.0.linear.weight', [n, 1]],
      ['encoder.0.linear.bias', [1]],
      ['encoder.0.linear.weight', [1, n]],
    ];
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape] of tensors) {
      const bytes = shape.reduce((a, b) => a * b, 1) * 4;
      header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
    }
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const prefix = Buffer.alloc(8 + json.length);
    prefix.writeBigUInt64LE(BigInt(json.length), 0);
    prefix.write(json, 8, 'utf8');
    const handle = await open(path.join(dir, 'model.safetensors'), 'w');
    await handle.write(prefix, 0, prefix.length, 0);
    await handle.truncate(prefix.length + offset);
    await handle.close();
    const config = {
      format_version: 0,
      architecture: { input_dim: n, latent_dim: 1, activation_encoder: 'tanh', activation_decoder: 'id' },
      mapping: { mode: 'all', param_map: [{ name: 'huge.weight', shape: [n / 1000, 1000], repr: 'all' }] },
      metadata: {},
    };
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));

    const start = performance.now();
    const got = await runJson<InspectJson>('inspect', dir);
    expect(performance.now() - start).toBeLessThan(2000);
    expect(got.input_dim).toBe(n);
    expect(got.unpruned_length).toBe(n);
    expect(got.weights?.find((w) => w.name === 'decoder.0.linear.weight')?.shape).toEqual([n, 1]);
    expect(got.problems).toEqual([]);
  });

  it('exits 1 for a missing folder and for a malformed config.json', async () => {
    const missing = await runCaptured('inspect', '/no/such/checkpoint');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('checkpoint folder not found: /no/such/checkpoint');

    const dir = await tempDir('badconfig');
    await writeFile(
      path.join(dir, 'model.safetensors'),
      readFileSync(fixturePath('two-layer-all', 'model', 'model.safetensors')),
    );
    await writeFile(path.join(dir, 'config.json'), '{"architecture": ');
    const bad = await runCaptured('inspect', dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: config\.json: not valid JSON.*\[GRADIEND_ERR_CHECKPOINT\]$/m);
  });
});
