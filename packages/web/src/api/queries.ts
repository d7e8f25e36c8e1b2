import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiUrl, encodeSegment, getJson, getText, sendBytes, sendJson, versionPath } from './http';
import type {
  Agg,
  AuditList,
  BaseModelList,
  DeletedVersions,
  CompareResult,
  EncodeResult,
  Heatmap,
  Histogram,
  HistogramScale,
  Model,
  ModelDetail,
  ModelList,
  ModelSort,
  ParamsResponse,
  Part,
  PruneBody,
  PrunePreview,
  TopkResponse,
  Version,
} from './contract';

export const queryKeys = {
  models: (q: string, tag: string, sort: ModelSort) => ['models', { q, tag, sort }] as const,
  model: (name: string) => ['model', name] as const,
  version: (name: string, ref: string) => ['model', name, 'version', ref] as const,
  params: (name: string, ref: string, part: Part) => ['model', name, 'version', ref, 'params', part] as const,
  heatmap: (name: string, ref: string, param: string, part: Part, agg: Agg) =>
    ['model', name, 'version', ref, 'heatmap', param, part, agg] as const,
  histogram: (name: string, ref: string, part: Part, scale: HistogramScale) =>
    ['model', name, 'version', ref, 'histogram', part, scale] as const,
  topk: (name: string, ref: string, part: Part, k: string) =>
    ['model', name, 'version', ref, 'topk', part, k] as const,
  prunePreview: (name: string, ref: string, body: PruneBody) =>
    ['model', name, 'version', ref, 'prune-preview', body] as const,
  compare: (a: string, b: string, part: Part, k: string) => ['compare', a, b, part, k] as const,
  baseModels: (name: string | null) => ['base-models', name] as const,
};

export function useModels(q: string, tag: string, sort: ModelSort) {
  return useQuery({
    queryKey: queryKeys.models(q, tag, sort),
    queryFn: ({ signal }) => getJson<ModelList>(apiUrl('/models', { q, tag, sort, limit: 500 }), signal),
    placeholderData: keepPreviousData,
  });
}

export function useModel(name: string) {
  return useQuery({
    queryKey: queryKeys.model(name),
    queryFn: ({ signal }) => getJson<ModelDetail>(apiUrl(`/models/${encodeSegment(name)}`), signal),
  });
}

export function useVersion(name: string, ref: string, enabled = true) {
  return useQuery({
    queryKey: queryKeys.version(name, ref),
    queryFn: ({ signal }) => getJson<Version>(apiUrl(versionPath(name, ref)), signal),
    enabled,
    staleTime: 30_000,
  });
}

export function useParams(name: string, ref: string, part: Part) {
  return useQuery({
    queryKey: queryKeys.params(name, ref, part),
    queryFn: ({ signal }) =>
      getJson<ParamsResponse>(apiUrl(`${versionPath(name, ref)}/params`, { part }), signal),
    staleTime: Infinity,
  });
}

export function heatmapUrl(name: string, ref: string, param: string, part: Part, agg: Agg): string {
  return apiUrl(`${versionPath(name, ref)}/params/${encodeSegment(param)}/heatmap`, { part, agg });
}

export function useHeatmap(name: string, ref: string, param: string, part: Part, agg: Agg) {
  return useQuery({
    queryKey: queryKeys.heatmap(name, ref, param, part, agg),
    queryFn: ({ signal }) => getJson<Heatmap>(heatmapUrl(name, ref, param, part, agg), signal),
    enabled: param !== '',
    staleTime: Infinity,
  });
}

export function useHistogram(name: string, ref: string, part: Part, scale: HistogramScale) {
  return useQuery({
    queryKey: queryKeys.histogram(name, ref, part, scale),
    queryFn: ({ signal }) =>
      getJson<Histogram>(
        apiUrl(`${versionPath(name, ref)}/importance/histogram`, { part, scale, bins: 80 }),
        signal,
      ),
    staleTime: Infinity,
  });
}

/** `k` as the API's query string takes it (see parseTopk's `query`). */
export function topkUrl(name: string, ref: string, part: Part, k: string, format: 'json' | 'csv'): string {
  return apiUrl(`${versionPath(name, ref)}/topk`, { part, k, format });
}

export function useTopk(name: string, ref: string, part: Part, k: string | null) {
  return useQuery({
    queryKey: queryKeys.topk(name, ref, part, k ?? ''),
    queryFn: ({ signal }) => getJson<TopkResponse>(topkUrl(name, ref, part, k ?? '', 'json'), signal),
    enabled: k !== null,
    staleTime: Infinity,
  });
}

/** A preview with the request it answers, so a kept previous answer still says what it is for. */
export interface AnsweredPreview {
  request: PruneBody;
  answer: PrunePreview;
}

export function usePrunePreview(name: string, ref: string, body: PruneBody | null) {
  return useQuery<AnsweredPreview>({
    queryKey: queryKeys.prunePreview(name, ref, body ?? {}),
    // Taking the signal lets react-query abort a superseded preview (BERT-scale previews take seconds).
    queryFn: async ({ signal }) => ({
      request: body ?? {},
      answer: await sendJson<PrunePreview>(
        'POST',
        apiUrl(`${versionPath(name, ref)}/prune/preview`),
        body,
        signal,
      ),
    }),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
}

export function useCompare(a: string, b: string, part: Part, k: string | null) {
  return useQuery({
    queryKey: queryKeys.compare(a, b, part, k ?? ''),
    queryFn: ({ signal }) => getJson<CompareResult>(apiUrl('/compare', { a, b, part, k }), signal),
    enabled: a !== '' && b !== '' && k !== null,
    staleTime: Infinity,
    retry: false,
  });
}

export function useUpdateModel(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: { description?: string; tags?: string[] }) =>
      sendJson<Model>('PATCH', apiUrl(`/models/${encodeSegment(name)}`), patch),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['model', name] });
      void client.invalidateQueries({ queryKey: ['models'] });
    },
  });
}

export function useSetAlias(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ alias, version }: { alias: string; version: number }) =>
      sendJson<unknown>('PUT', apiUrl(`/models/${encodeSegment(name)}/aliases/${encodeSegment(alias)}`), {
        version,
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['model', name] }),
  });
}

export function useEncode(name: string, ref: string) {
  return useMutation({
    mutationFn: ({ file, inputScale }: { file: File; inputScale: string }) =>
      sendBytes<EncodeResult>(
        apiUrl(`${versionPath(name, ref)}/encode`, { input_scale: inputScale || undefined }),
        'application/x-safetensors',
        file,
      ),
  });
}

/** Deletes a version; without `cascade` the server answers 409 listing the versions derived from it. */
export function useDeleteVersion(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ version, cascade }: { version: number; cascade: boolean }) =>
      sendJson<DeletedVersions>(
        'DELETE',
        apiUrl(versionPath(name, version), { cascade: cascade || undefined }),
        undefined,
      ),
    onSuccess: (result) => {
      for (const model of new Set([name, ...result.deleted.map((d) => d.name)])) {
        void client.invalidateQueries({ queryKey: ['model', model] });
      }
      void client.invalidateQueries({ queryKey: ['models'] });
      void client.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

/** Deletes the model with all its versions (and those other models derived from them). */
export function useDeleteModel(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () =>
      sendJson<DeletedVersions>('DELETE', apiUrl(`/models/${encodeSegment(name)}`), undefined),
    onSuccess: (result) => {
      for (const model of new Set([name, ...result.deleted.map((d) => d.name)])) {
        client.removeQueries({ queryKey: ['model', model] });
      }
      void client.invalidateQueries({ queryKey: ['models'] });
    },
  });
}

export function useDeleteAlias(name: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (alias: string) =>
      sendJson<unknown>(
        'DELETE',
        apiUrl(`/models/${encodeSegment(name)}/aliases/${encodeSegment(alias)}`),
        undefined,
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['model', name] });
      void client.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export function useAudit(model: string) {
  return useQuery({
    queryKey: ['audit', model] as const,
    queryFn: ({ signal }) => getJson<AuditList>(apiUrl('/audit', { model, limit: 20 }), signal),
    retry: false,
  });
}

/** A text file of a version (e.g. its README.md); `file` null disables the request. */
export function useVersionText(name: string, ref: string, file: string | null) {
  return useQuery({
    queryKey: ['model', name, 'version', ref, 'file', file] as const,
    queryFn: ({ signal }) =>
      getText(apiUrl(`${versionPath(name, ref)}/files/${encodeSegment(file ?? '')}`), signal),
    enabled: file !== null,
    staleTime: Infinity,
  });
}

/** Base models registered under `name` (all when null), newest first. */
export function useBaseModels(name: string | null) {
  return useQuery({
    queryKey: queryKeys.baseModels(name),
    queryFn: ({ signal }) => getJson<BaseModelList>(apiUrl('/base-models', { name }), signal),
  });
}
