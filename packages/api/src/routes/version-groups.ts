import { ApiError } from '../errors/api-error.js';
import { RegistryService } from '../registry/registry-service.js';
import type { VersionOrSeedGroup } from '../schemas/similarity.js';
import type { VersionRecord } from '../storage/metadata-store.js';

/** A matrix row: one version (id `name@number`) or a seed group of versions (its own id). */
export interface VersionGroup {
  readonly id: string;
  readonly versions: readonly VersionRecord[];
  /** Whether the request gave a seed group (`{id, refs}`) rather than one `name@ref`. */
  readonly seedGroup: boolean;
}

/** What a job needs to find a version on any instance, and to see that it is still that content. */
export interface JobVersionRef {
  readonly model: string;
  readonly version: number;
  readonly content: string;
}

/** Resolves matrix rows (`name@ref` or `{id, refs}`); 404 for an unknown one, 400 for a repeated id. */
export async function resolveVersionGroups(
  registry: RegistryService,
  rows: readonly VersionOrSeedGroup[],
): Promise<VersionGroup[]> {
  const groups = await Promise.all(
    rows.map(async (row) => {
      const refs = typeof row === 'string' ? [row] : row.refs;
      const versions = await Promise.all(
        refs.map((ref) => {
          const at = ref.lastIndexOf('@');
          return registry.resolve(ref.slice(0, at), ref.slice(at + 1));
        }),
      );
      const first = versions[0];
      const id = typeof row === 'string' ? `${first?.model}@${first?.version}` : row.id;
      return { id, versions, seedGroup: typeof row !== 'string' };
    }),
  );
  const ids = groups.map((g) => g.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined)
    throw new ApiError('GRADIEND_ERR_REQUEST_VALIDATION', `model id ${dup} appears twice`);
  return groups;
}

export function jobVersionRef(v: VersionRecord): JobVersionRef {
  return { model: v.model, version: v.version, content: RegistryService.contentKey(v.files) };
}
