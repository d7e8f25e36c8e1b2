import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import { sha256File } from '../registry/sha256-file.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { MetadataStore } from '../storage/metadata-store.js';

interface DemoModel {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** Folder names tried in order: the copy shipped in dist/demo, then ../shared. */
  readonly candidates: readonly string[];
}

const here = path.dirname(fileURLToPath(import.meta.url));
const packageRoot = path.resolve(here, '../..');
const sharedDir = process.env.GRADIEND_SHARED_DIR ?? path.resolve(packageRoot, '../../../shared');

export const DEMO_MODELS: readonly DemoModel[] = [
  {
    name: 'digits-3-vs-8',
    description: 'Digits demo: GRADIEND (latent 1) on an 8×8 digits MLP, digit 3 vs digit 8',
    tags: ['demo', 'digits'],
    candidates: [
      path.join(packageRoot, 'dist', 'demo', 'gradiend-digits-3-vs-8'),
      path.join(sharedDir, 'demo', 'digits', 'gradiend-digits-3-vs-8'),
    ],
  },
  {
    name: 'bert-shaped-224k',
    description: 'Reference fixture: a BERT-shaped GRADIEND with 228,928 input dims',
    tags: ['demo', 'reference'],
    candidates: [
      path.join(packageRoot, 'dist', 'demo', 'bert-shaped-224k'),
      path.join(sharedDir, 'fixtures', 'reference', 'bert-shaped-224k', 'model'),
    ],
  },
];

/** On an empty registry, registers the demo models that can be found; returns their names. */
export async function seedDemo(
  meta: MetadataStore,
  registry: RegistryService,
  log: FastifyBaseLogger,
): Promise<string[]> {
  if (!(await meta.isEmpty())) return [];
  const seeded: string[] = [];
  for (const demo of DEMO_MODELS) {
    const source = demo.candidates.find((c) => existsSync(path.join(c, 'config.json')));
    if (!source) {
      log.warn({ model: demo.name }, 'demo model not found; skipped');
      continue;
    }
    const workDir = await registry.makeTempDir('seed');
    try {
      const files = [];
      for (const name of (await fs.readdir(source)).sort()) {
        const file = path.join(workDir, name);
        await fs.copyFile(path.join(source, name), file);
        files.push({ name, path: file, ...(await sha256File(file)) });
      }
      await registry.ingest(workDir, files, {
        model: demo.name,
        description: demo.description,
        tags: demo.tags,
        actor: 'seed',
        parentId: null,
        operation: 'upload',
        operationArgs: { source: 'demo' },
      });
      seeded.push(demo.name);
      log.info({ model: demo.name, source }, 'demo model registered');
    } finally {
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }
  return seeded;
}
