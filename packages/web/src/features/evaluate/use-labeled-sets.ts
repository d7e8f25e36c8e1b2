import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiUrl, encodeSegment, getJson, sendForm, versionPath } from '../../api/http';
import { useJobbedGet } from '../../api/jobs';
import type {
  EvaluationResponse,
  LabeledSet,
  LabeledSetList,
  PruningCurveResponse,
} from '../../api/contract';

const setsKey = (model: string, version: string) => ['labeled-sets', model, version] as const;

/** The labeled sets that serve a version (its own input space or an ancestor's). */
export function useLabeledSets(model: string, version: string) {
  return useQuery({
    queryKey: setsKey(model, version),
    queryFn: ({ signal }) =>
      getJson<LabeledSetList>(apiUrl(`/models/${encodeSegment(model)}/labeled-sets`, { version }), signal),
  });
}

export interface LabeledSetUpload {
  readonly name: string;
  /** The root version: the input space the gradients are given in. */
  readonly version: string;
  readonly description: string;
  readonly manifest: File;
  readonly gradients: readonly File[];
}

/** The multipart body of `POST /api/models/:name/labeled-sets`: fields, manifest, then gradients. */
export function labeledSetForm(u: LabeledSetUpload): FormData {
  const form = new FormData();
  form.append('name', u.name);
  form.append('version', u.version);
  if (u.description) form.append('description', u.description);
  form.append('manifest', u.manifest, u.manifest.name);
  for (const g of u.gradients) form.append('gradients', g, g.name);
  return form;
}

export function useUploadLabeledSet(model: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (u: LabeledSetUpload) =>
      sendForm<LabeledSet>(apiUrl(`/models/${encodeSegment(model)}/labeled-sets`), labeledSetForm(u)),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['labeled-sets', model] }),
  });
}

/** The scorecard and per-sample encodings of a version on a set (a job when not cached). */
export function useEvaluation(model: string, version: string, set: string | null) {
  return useJobbedGet<EvaluationResponse>(
    set ? apiUrl(`${versionPath(model, version)}/evaluation`, { set }) : null,
  );
}

/** The pruning-quality curve of a version on a set for one importance part (a job when not cached). */
export function usePruningCurve(model: string, version: string, set: string | null, part: string) {
  return useJobbedGet<PruningCurveResponse>(
    set ? apiUrl(`${versionPath(model, version)}/pruning-curve`, { set, part }) : null,
  );
}
