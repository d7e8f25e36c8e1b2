import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { apiUrl, encodeSegment, getJson } from '../../api/http';
import { queryKeys, useCompare, useModels } from '../../api/queries';
import { PARTS, type ModelDetail, type Part } from '../../api/types';
import { PartSelect } from '../../components/PartSelect';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { parseTopk } from '../../lib/parse-topk';
import { useDebounced } from '../../lib/use-debounced';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import { CompareResultView } from './CompareResultView';
import { TopkError, TopkField } from '../../components/TopkField';

/** Every `name@version` in the registry, newest versions first within a model. */
function useVersionRefs(): { refs: string[]; pending: boolean } {
  const models = useModels('', '', 'name');
  const details = useQueries({
    queries: (models.data?.items ?? []).map((m) => ({
      queryKey: queryKeys.model(m.name),
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        getJson<ModelDetail>(apiUrl(`/models/${encodeSegment(m.name)}`), signal),
    })),
  });
  const refs = details.flatMap((d) =>
    [...(d.data?.versions ?? [])].reverse().map((v) => `${v.name}@${v.version}`),
  );
  return { refs, pending: models.isPending || details.some((d) => d.isPending) };
}

function RefSelect({
  label,
  value,
  refs,
  onChange,
}: {
  label: string;
  value: string;
  refs: string[];
  onChange: (v: string) => void;
}) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value="">choose a version</option>
        {refs.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ComparePage() {
  const [a, setA] = useSearchState('a', '');
  const [b, setB] = useSearchState('b', '');
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const [kText, setKText] = useSearchState('k', '1%');
  const debounced = useDebounced(kText, 250);
  const parsed = useMemo(() => parseTopk(debounced), [debounced]);
  const { refs, pending } = useVersionRefs();
  const compare = useCompare(a, b, part, parsed.ok ? parsed.query : null);

  return (
    <section className="compare">
      <h1>Compare two versions</h1>
      <p className="muted">Overlap of the two versions’ top-k selections in base-parameter space.</p>
      <div className="toolbar">
        <RefSelect label="Version A" value={a} refs={refs} onChange={setA} />
        <RefSelect label="Version B" value={b} refs={refs} onChange={setB} />
        <PartSelect value={part} onChange={setPart} />
        <TopkField value={kText} onChange={setKText} valid={parsed.ok} />
      </div>
      <TopkError error={parsed.ok ? null : parsed.error} />
      {pending && <Loading what="versions" />}
      {!a || !b ? (
        <Empty>Choose two versions.</Empty>
      ) : compare.isPending ? (
        <Loading what="comparison" />
      ) : compare.isError ? (
        <ErrorView error={compare.error} what="comparison" />
      ) : (
        <CompareResultView result={compare.data} />
      )}
    </section>
  );
}
