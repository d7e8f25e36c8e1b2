import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../test-support/fixtures.js';
import { openGradiendWeightSource } from './gradiend-weight-source.js';
import { writeSparsePatch } from './sparse-patch.js';

const run = promisify(execFile);
const REPO_README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../README.md');
// Debian's python3-torch lives in the system interpreter (a pyenv shim may shadow python3).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** The README's Python patch snippet: the first python block of its "Rewriting a base model" section. */
async function readmeSnippet(): Promise<string> {
  const text = await readFile(REPO_README, 'utf8');
  const section = text.slice(text.indexOf('## Rewriting a base model'));
  const match = /```python\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no python block under "## Rewriting a base model"');
  return match[1];
}

/**
 * A stand-in for safetensors.torch.load_file, used only when the safetensors package is not
 * installed (Debian ships torch but not safetensors): the format is an 8-byte header length, JSON,
 * then raw little-endian data.
 */
const SAFETENSORS_SHIM = `
import json, struct, torch
_DT = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
       "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8, "BOOL": torch.bool}
def load_file(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    out = {}
    for name, info in json.loads(data[8:8 + n]).items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        raw = bytearray(data[8 + n + b:8 + n + e])
        t = torch.frombuffer(raw, dtype=_DT[info["dtype"]]) if raw else torch.empty(0, dtype=_DT[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out
`;

const RUNNER = `
import json, sys
try:
    from safetensors.torch import load_file
except ImportError:
    sys.path.insert(0, sys.argv[2])
    from safetensors.torch import load_file
import torch

exec(open(sys.argv[3]).read())

class StateDictModel:
    def __init__(self, tensors):
        self.tensors = tensors
    def state_dict(self):
        return self.tensors

results = []
for job in json.load(open(sys.argv[1])):
    model = StateDictModel(load_file(job["base"]))
    apply_gradiend_patch(model, job["patch"])
    expected = load_file(job["expected"])
    worst = 0.0
    names_ok = sorted(expected) == sorted(model.tensors)
    for name, e in expected.items():
        g = model.tensors[name]
        if g.dtype != e.dtype or g.shape != e.shape:
            worst = float("inf")
            continue
        err = ((g.double() - e.double()).abs() - (job["atol"] + job["rtol"] * e.double().abs())).max().item()
        worst = max(worst, err)
    results.append({"label": job["label"], "ok": names_ok and worst <= 0, "worst": worst})
print(json.dumps(results))
`;

interface Job {
  label: string;
  base: string;
  patch: string;
  expected: string;
  rtol: number;
  atol: number;
}

const tmpDirs: string[] = [];
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe('the README patch snippet, run with Python and torch', () => {
  it('turns each reference base into the reference rewrite', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'gradiend-patch-python-'));
    tmpDirs.push(tmp);
    const jobs: Job[] = [];
    for (const caseName of (await readdir(FIXTURES_DIR)).sort()) {
      const rewriteDir = path.join(FIXTURES_DIR, caseName, 'rewrite');
      if (!existsSync(rewriteDir)) continue;
      for (const ckpt of (await readdir(rewriteDir)).sort()) {
        const dir = path.join(rewriteDir, ckpt);
        const expected = JSON.parse(await readFile(path.join(dir, 'expected.json'), 'utf8')) as {
          checkpoint: string;
          rewrites: {
            args: { learning_rate: number; feature_factor: number[]; part: string };
            out?: string;
          }[];
        };
        const source = await openGradiendWeightSource(path.join(FIXTURES_DIR, caseName, expected.checkpoint));
        try {
          for (const [i, r] of expected.rewrites.entries()) {
            if (!r.out) continue;
            const label = `${caseName}/${ckpt}/${i}`;
            const patch = path.join(tmp, `${caseName}-${ckpt}-${i}.safetensors`);
            await writeSparsePatch(source, path.join(dir, 'base.safetensors'), patch, {
              learningRate: r.args.learning_rate,
              featureFactor: r.args.feature_factor,
              part: r.args.part as never,
            });
            const base = path.join(dir, 'base.safetensors');
            jobs.push({ label, base, patch, expected: path.join(dir, r.out), rtol: 1e-4, atol: 1e-6 });
          }
        } finally {
          await source.close();
        }
      }
    }
    expect(jobs.length).toBeGreaterThan(10);
    const shim = path.join(tmp, 'shim', 'safetensors');
    await mkdir(shim, { recursive: true });
    await writeFile(path.join(shim, '__init__.py'), '');
    await writeFile(path.join(shim, 'torch.py'), SAFETENSORS_SHIM);
    await writeFile(path.join(tmp, 'snippet.py'), await readmeSnippet());
    await writeFile(path.join(tmp, 'runner.py'), RUNNER);
    await writeFile(path.join(tmp, 'jobs.json'), JSON.stringify(jobs));
    const { stdout } = await run(
      PYTHON,
      [
        path.join(tmp, 'runner.py'),
        path.join(tmp, 'jobs.json'),
        path.join(tmp, 'shim'),
        path.join(tmp, 'snippet.py'),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    ).catch((e: Error & { stderr?: string }) => {
      throw new Error(
        `${PYTHON} with torch is needed (Debian: apt-get install python3-torch): ${e.stderr ?? e.message}`,
      );
    });
    const results = JSON.parse(stdout) as { label: string; ok: boolean; worst: number }[];
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.label)).toEqual(jobs.map((j) => j.label));
  }, 120_000);
});
