import { useQueries } from '@tanstack/react-query';
import { apiUrl, encodeSegment, getJson } from '../../api/http';
import { queryKeys, useModels } from '../../api/queries';
import type { ModelDetail, Version } from '../../api/contract';

/** Every version in the registry (newest first within a model), by `name@version`. */
export function useVersionRefs(): {
  refs: string[];
  versions: Version[];
  byRef: Map<string, Version>;
  pending: boolean;
} {
  const models = useModels('', '', 'name');
  const details = useQueries({
    queries: (models.data?.items ?? []).map((m) => ({
      queryKey: queryKeys.model(m.name),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        getJson<ModelDetail>(apiUrl(`/models/${encodeSegment(m.name)}`), signal),
    })),
  });
  const versions = details.flatMap((d) => [...(d.data?.versions ?? [])].reverse());
  const byRef = new Map(versions.map((v) => [`${v.name}@${v.version}`, v] as const));
  return {
    refs: [...byRef.keys()],
    versions: [...byRef.values()],
    byRef,
    pending: models.isPending || details.some((d) => d.isPending),
  };
}
