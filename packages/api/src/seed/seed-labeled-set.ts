import fs from 'node:fs/promises';
import path from 'node:path';
import { SAMPLE_INDEX_FILE } from '@gradiend/core/node';
import { LabeledSetService } from '../evaluation/labeled-set-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import { sha256File } from '../registry/sha256-file.js';
import type { LabeledSetRecord, MetadataStore, VersionRecord } from '../storage/metadata-store.js';

/** The name of the labeled set a seeded demo comes with. */
export const DEMO_LABELED_SET = 'digits-test';

interface SampleFolderIndex {
  readonly samples?: readonly {
    readonly file?: unknown;
    readonly label?: unknown;
    readonly digit?: unknown;
    readonly class?: unknown;
  }[];
  readonly feature_class_encoding_direction?: Readonly<Record<string, number>>;
}

/**
 * Registers a demo's folder of labeled held-out gradients (index.json + per-parameter files, the
 * layout the digits demo writes) as a labeled set of `root`, so a fresh start has a scorecard and
 * a pruning curve to show. Labels come from the index (the context's encoding direction per class).
 * Null when the folder has no index.
 */
export async function seedLabeledSet(
  meta: MetadataStore,
  registry: RegistryService,
  root: VersionRecord,
  folder: string,
  workDir: string,
): Promise<LabeledSetRecord | null> {
  let index: SampleFolderIndex;
  try {
    index = JSON.parse(await fs.readFile(path.join(folder, SAMPLE_INDEX_FILE), 'utf8')) as SampleFolderIndex;
  } catch {
    return null;
  }
  const rows = (index.samples ?? []).map((s) => {
    const source = String(s.class ?? s.digit ?? '');
    const label = typeof s.label === 'number' ? s.label : index.feature_class_encoding_direction?.[source];
    return { file: String(s.file), label, type: 'training', source_id: source, data_split: 'test' };
  });
  if (rows.length === 0) return null;
  const stage = async (name: string, from: string | null, text?: string) => {
    const file = path.join(workDir, `set-${name}`);
    if (from !== null) await fs.copyFile(from, file);
    else await fs.writeFile(file, text ?? '');
    return { name, path: file, ...(await sha256File(file)) };
  };
  const gradients = [];
  for (const r of rows) gradients.push(await stage(r.file, path.join(folder, r.file)));
  const manifest = {
    ...(await stage('manifest.json', null, `${JSON.stringify({ rows }, null, 1)}\n`)),
    format: 'json' as const,
  };
  return new LabeledSetService(meta, registry).create({
    model: root.model,
    name: DEMO_LABELED_SET,
    description:
      "The demo's held-out test digits (factual gradients), labeled by the context's encoding direction",
    root,
    manifest,
    gradients,
    actor: 'seed',
  });
}
