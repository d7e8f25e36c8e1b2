import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TorchCheckpointError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { fixturePath } from '../test-support/fixtures.js';
import { buildZip, bytesOf, op, pickle, stateDictPickle } from './test-builders.js';
import type { TensorSpec, ZipEntrySpec } from './test-builders.js';
import { readTorchStateDict, readTorchStateDictFromBuffer } from './torch-zip-reader.js';
import { openZipBuffer } from './zip-archive.js';

const CASE = 'torch-bin-format';
const modelBin = fixturePath(CASE, 'model', 'pytorch_model.bin');
const prunedBin = fixturePath(CASE, 'prune0', 'pytorch_model.bin');
const indicesPth = fixturePath(CASE, 'prune0', 'mapping_indices.pth');

interface Expected {
  norms: { encoder_norm: number; decoder_norm: number };
  prunes: { id: number; param_map?: { name: string; selected: number[] }[] }[];
}
const expected = JSON.parse(readFileSync(fixturePath(CASE, 'expected.json'), 'utf8')) as Expected;

/** Just enough safetensors to read the F32 reference tensors (the real reader lives elsewhere). */
function safetensorsHeader(path: string): {
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  body: Uint8Array;
} {
  const bytes = readFileSync(path);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as ReturnType<
    typeof safetensorsHeader
  >['header'];
  delete header.__metadata__;
  return { header, body: new Uint8Array(bytes.subarray(8 + length)) };
}

function safetensorsF32(path: string, name: string): Float32Array {
  const { header, body } = safetensorsHeader(path);
  const entry = header[name];
  if (entry === undefined) throw new Error(`${name} missing`);
  const [start, end] = entry.data_offsets;
  return new Float32Array(body.slice(start, end).buffer);
}

function floats(t: Tensor | undefined): number[] {
  if (t === undefined || t.dtype !== 'F32') throw new Error('expected an F32 tensor');
  return Array.from(t.data as Float32Array);
}

const norm = (values: readonly number[]) => Math.sqrt(values.reduce((s, v) => s + v * v, 0));

describe('readTorchStateDict on the reference checkpoints', () => {
  it('loads the unpruned model with its keys, in order, shapes and dtypes', async () => {
    const weights = await readTorchStateDict(modelBin);
    expect([...weights.keys()]).toEqual([
      'encoder.0.linear.weight',
      'encoder.0.linear.bias',
      'decoder.0.linear.weight',
      'decoder.0.linear.bias',
    ]);
    expect([...weights.values()].map((t) => [t.dtype, t.shape])).toEqual([
      ['F32', [1, 60]],
      ['F32', [1]],
      ['F32', [60, 1]],
      ['F32', [60]],
    ]);
  });

  it('matches the same kind of model saved as safetensors in shapes and dtypes', async () => {
    const weights = await readTorchStateDict(modelBin);
    const { header } = safetensorsHeader(fixturePath('two-layer-all', 'model', 'model.safetensors'));
    const fromSafetensors = Object.fromEntries(
      Object.entries(header).map(([k, v]) => [k, [v.dtype, v.shape]]),
    );
    expect(Object.fromEntries([...weights].map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual(
      fromSafetensors,
    );
  });

  it('has the weight norms recorded by the reference', async () => {
    const weights = await readTorchStateDict(modelBin);
    expect(norm(floats(weights.get('encoder.0.linear.weight')))).toBeCloseTo(expected.norms.encoder_norm, 6);
    expect(norm(floats(weights.get('decoder.0.linear.weight')))).toBeCloseTo(expected.norms.decoder_norm, 6);
  });

  it('reproduces the reference forward pass (tanh encoder, identity decoder)', async () => {
    const weights = await readTorchStateDict(modelBin);
    const refs = fixturePath(CASE, 'expected.safetensors');
    const x = safetensorsF32(refs, 'forward.x');
    const wantEncoded = safetensorsF32(refs, 'forward.encoded');
    const wantDecoded = safetensorsF32(refs, 'forward.decoded');
    const [we, be, wd, bd] = [
      floats(weights.get('encoder.0.linear.weight')),
      floats(weights.get('encoder.0.linear.bias')),
      floats(weights.get('decoder.0.linear.weight')),
      floats(weights.get('decoder.0.linear.bias')),
    ];
    for (let row = 0; row < 3; row++) {
      let z = be[0] ?? 0;
      for (let i = 0; i < 60; i++) z += (we[i] ?? 0) * (x[row * 60 + i] ?? 0);
      const encoded = Math.tanh(z);
      expect(encoded).toBeCloseTo(wantEncoded[row] ?? NaN, 5);
      for (let i = 0; i < 60; i++) {
        expect(encoded * (wd[i] ?? 0) + (bd[i] ?? 0)).toBeCloseTo(wantDecoded[row * 60 + i] ?? NaN, 5);
      }
    }
  });

  it('reads mapping indices equal to the selection of prune 0, as int32', async () => {
    const mapping = await readTorchStateDict(indicesPth);
    expect([...mapping.keys()]).toEqual(['L0', 'L1']);
    const selected = expected.prunes[0]?.param_map?.map((p) => p.selected);
    const l0 = mapping.get('L0');
    const l1 = mapping.get('L1');
    expect(l0?.dtype).toBe('I32');
    expect(l0?.shape).toEqual([4]);
    expect(Array.from(l0?.data as Int32Array)).toEqual(selected?.[0]);
    expect(l1?.dtype).toBe('I32');
    expect(l1?.shape).toEqual([0]);
    expect(Array.from(l1?.data as Int32Array)).toEqual(selected?.[1]);
  });

  it('gives pruned weights that are the unpruned ones at the selected inputs', async () => {
    const full = await readTorchStateDict(modelBin);
    const pruned = await readTorchStateDict(prunedBin);
    const selected = expected.prunes[0]?.param_map?.[0]?.selected ?? [];
    const pick = (values: number[]) => selected.map((i) => values[i]);
    expect(pruned.get('encoder.0.linear.weight')?.shape).toEqual([1, 4]);
    expect(floats(pruned.get('encoder.0.linear.weight'))).toEqual(
      pick(floats(full.get('encoder.0.linear.weight'))),
    );
    expect(floats(pruned.get('decoder.0.linear.weight'))).toEqual(
      pick(floats(full.get('decoder.0.linear.weight'))),
    );
    expect(floats(pruned.get('decoder.0.linear.bias'))).toEqual(
      pick(floats(full.get('decoder.0.linear.bias'))),
    );
    expect(floats(pruned.get('encoder.0.linear.bias'))).toEqual(floats(full.get('encoder.0.linear.bias')));
  });

  it('reads the same tensors from a buffer as from the file', async () => {
    const fromFile = await readTorchStateDict(modelBin);
    const fromBuffer = await readTorchStateDictFromBuffer(new Uint8Array(readFileSync(modelBin)));
    expect(fromBuffer).toEqual(fromFile);
  });

  it('reads a copy of the checkpoint whose entries are all deflated', async () => {
    const archive = await openZipBuffer(new Uint8Array(readFileSync(modelBin)));
    const entries: ZipEntrySpec[] = [];
    for (const name of archive.names) entries.push({ name, data: await archive.read(name), deflate: true });
    archive.close();
    const deflated = buildZip(entries);
    expect(deflated.length).toBeLessThan(readFileSync(modelBin).length);
    expect(await readTorchStateDictFromBuffer(deflated)).toEqual(await readTorchStateDict(modelBin));
  });
});

function checkpoint(
  specs: readonly TensorSpec[],
  storages: Record<string, Uint8Array>,
  extra: ZipEntrySpec[] = [],
) {
  return buildZip([
    { name: 'archive/data.pkl', data: stateDictPickle(specs) },
    ...Object.entries(storages).map(([key, data]) => ({ name: `archive/data/${key}`, data })),
    { name: 'archive/version', data: new TextEncoder().encode('3\n') },
    ...extra,
  ]);
}

async function rejects(bytes: Uint8Array, message: RegExp): Promise<void> {
  const attempt = readTorchStateDictFromBuffer(bytes, 'test.bin');
  await expect(attempt).rejects.toBeInstanceOf(TorchCheckpointError);
  await expect(readTorchStateDictFromBuffer(bytes, 'test.bin')).rejects.toThrow(message);
}

describe('readTorchStateDictFromBuffer on hand-built checkpoints', () => {
  it('finds the record folder whatever the stem, and reads every storage dtype', async () => {
    const weights = await readTorchStateDictFromBuffer(
      checkpoint(
        [
          { name: 'long', storageClass: 'LongStorage', key: '0', storageNumel: 2, shape: [2] },
          { name: 'half', storageClass: 'HalfStorage', key: '1', storageNumel: 1, shape: [] },
          { name: 'bf16', storageClass: 'BFloat16Storage', key: '2', storageNumel: 2, shape: [2, 1] },
          { name: 'double', storageClass: 'DoubleStorage', key: '3', storageNumel: 1, shape: [1] },
          { name: 'bool', storageClass: 'BoolStorage', key: '4', storageNumel: 3, shape: [3] },
          { name: 'char', storageClass: 'CharStorage', key: '5', storageNumel: 1, shape: [1] },
        ],
        {
          '0': bytesOf(BigInt64Array.from([-1n, 2n ** 62n])),
          '1': bytesOf(Uint16Array.from([0x3c00])),
          '2': bytesOf(Uint16Array.from([0x3f80, 0xbf80])),
          '3': bytesOf(Float64Array.from([Math.PI])),
          '4': Uint8Array.from([1, 0, 1]),
          '5': Uint8Array.from([0xff]),
        },
      ),
    );
    expect(
      [...weights].map(([k, t]) => [k, t.dtype, t.shape, Array.from(t.data as ArrayLike<unknown>)]),
    ).toEqual([
      ['long', 'I64', [2], [-1n, 2n ** 62n]],
      ['half', 'F16', [], [0x3c00]],
      ['bf16', 'BF16', [2, 1], [0x3f80, 0xbf80]],
      ['double', 'F64', [1], [Math.PI]],
      ['bool', 'BOOL', [3], [1, 0, 1]],
      ['char', 'I8', [1], [-1]],
    ]);
  });

  it('splits a shared storage into independent tensors and materialises a transposed one', async () => {
    const weights = await readTorchStateDictFromBuffer(
      checkpoint(
        [
          { name: 'head', storageClass: 'FloatStorage', key: '0', storageNumel: 6, shape: [2], offset: 0 },
          { name: 'tail', storageClass: 'FloatStorage', key: '0', storageNumel: 6, shape: [4], offset: 2 },
          {
            name: 'matrixT',
            storageClass: 'FloatStorage',
            key: '0',
            storageNumel: 6,
            shape: [3, 2],
            stride: [1, 3],
          },
        ],
        { '0': bytesOf(Float32Array.from([0, 1, 2, 3, 4, 5])) },
      ),
    );
    expect(floats(weights.get('head'))).toEqual([0, 1]);
    expect(floats(weights.get('tail'))).toEqual([2, 3, 4, 5]);
    expect(floats(weights.get('matrixT'))).toEqual([0, 3, 1, 4, 2, 5]);
    const head = weights.get('head')?.data as Float32Array;
    head[0] = 42;
    expect(floats(weights.get('matrixT'))[0]).toBe(0);
  });

  it('never reads entries the pickle does not reference', async () => {
    const bytes = checkpoint(
      [{ name: 'w', storageClass: 'FloatStorage', key: '0', storageNumel: 1, shape: [1] }],
      { '0': bytesOf(Float32Array.from([7])) },
      [{ name: 'archive/data/99', data: Uint8Array.from([1, 2, 3]), method: 99 }],
    );
    expect(floats((await readTorchStateDictFromBuffer(bytes)).get('w'))).toEqual([7]);
  });

  it('accepts an explicit little-endian byteorder record', async () => {
    const bytes = checkpoint(
      [{ name: 'w', storageClass: 'IntStorage', key: '0', storageNumel: 1, shape: [1] }],
      { '0': bytesOf(Int32Array.from([-9])) },
      [{ name: 'archive/byteorder', data: new TextEncoder().encode('little') }],
    );
    expect(Array.from((await readTorchStateDictFromBuffer(bytes)).get('w')?.data as Int32Array)).toEqual([
      -9,
    ]);
  });
});

describe('readTorchStateDict errors', () => {
  const w: TensorSpec = { name: 'w', storageClass: 'FloatStorage', key: '0', storageNumel: 2, shape: [2] };
  const two = bytesOf(Float32Array.from([1, 2]));

  it('rejects bytes that are not a zip, naming the legacy format', async () => {
    await rejects(
      new TextEncoder().encode('definitely not a zip file'),
      /test.bin: not a readable zip archive: .*_use_new_zipfile_serialization/,
    );
    await rejects(pickle(op.proto(), op.emptyDict, op.stop), /not a readable zip archive/);
  });

  it('rejects a truncated checkpoint', async () => {
    const bytes = new Uint8Array(readFileSync(modelBin));
    for (const keep of [0, 10, bytes.length / 2, bytes.length - 30, bytes.length - 1]) {
      await rejects(bytes.subarray(0, Math.floor(keep)), /not a readable zip archive|cannot read zip entry/);
    }
  });

  it('rejects a zip without exactly one <stem>/data.pkl', async () => {
    await rejects(
      buildZip([{ name: 'data.pkl', data: stateDictPickle([]) }]),
      /exactly one <name>\/data.pkl entry, found none/,
    );
    await rejects(
      buildZip([
        { name: 'a/data.pkl', data: stateDictPickle([]) },
        { name: 'b/data.pkl', data: stateDictPickle([]) },
      ]),
      /found a\/data.pkl, b\/data.pkl/,
    );
  });

  it('rejects a missing storage, or one of the wrong size', async () => {
    await rejects(checkpoint([w], {}), /zip has no entry 'archive\/data\/0'/);
    await rejects(
      checkpoint([w], { '0': two.subarray(0, 6) }),
      /'archive\/data\/0' holds 6 bytes, expected 8/,
    );
  });

  it('rejects a storage whose header lies about its size', async () => {
    const lying = buildZip([
      { name: 'archive/data.pkl', data: stateDictPickle([w]) },
      { name: 'archive/data/0', data: new Uint8Array(64), deflate: true, declaredSize: 8 },
    ]);
    await rejects(lying, /cannot read zip entry 'archive\/data\/0'/);
  });

  it('rejects storages compressed with anything but deflate', async () => {
    await rejects(
      checkpoint([w], {}, [{ name: 'archive/data/0', data: two, method: 12 }]),
      /'archive\/data\/0' uses unsupported compression method 12/,
    );
  });

  it('rejects big-endian storages', async () => {
    await rejects(
      checkpoint([w], { '0': two }, [{ name: 'archive/byteorder', data: new TextEncoder().encode('big') }]),
      /stored in 'big' byte order/,
    );
  });

  it('rejects a malicious pickle inside an otherwise valid checkpoint', async () => {
    const evil = pickle(
      op.proto(),
      op.global('os', 'system'),
      op.str('rm -rf /'),
      op.tuple1,
      op.reduce,
      op.stop,
    );
    await rejects(
      buildZip([{ name: 'archive/data.pkl', data: evil }]),
      /pickle global 'os.system' is not allowed/,
    );
  });

  it('rejects a tensor that reaches beyond its storage', async () => {
    const spec: TensorSpec = {
      name: 'enc.weight',
      storageClass: 'FloatStorage',
      key: '0',
      storageNumel: 2,
      shape: [2],
      stride: [2],
    };
    await rejects(checkpoint([spec], { '0': two }), /reaches element 2 of storage '0'/);
  });

  it('passes file-system errors through unchanged', async () => {
    await expect(readTorchStateDict('/nonexistent/pytorch_model.bin')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
