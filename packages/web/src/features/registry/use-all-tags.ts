import { useModels } from '../../api/queries';

/** Every tag in the registry, for the tag filter (from the unfiltered list, shared with its cache). */
export function useAllTags(): string[] {
  const all = useModels('', '', '-updated');
  const tags = new Set<string>();
  for (const m of all.data?.items ?? []) for (const t of m.tags) tags.add(t);
  return [...tags].sort();
}
