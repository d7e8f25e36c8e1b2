import { useModels } from '../../api/queries';
import { MODEL_SORTS, type ModelSort } from '../../api/contract';
import { Explain } from '../../components/Explain';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import { ModelTable } from './ModelTable';
import { UploadPanel } from './UploadPanel';
import { useAllTags } from './use-all-tags';

const SORT_LABELS: Record<ModelSort, string> = {
  '-updated': 'Last change (newest first)',
  updated: 'Last change (oldest first)',
  name: 'Name (A–Z)',
  '-name': 'Name (Z–A)',
  '-created': 'Created (newest first)',
  created: 'Created (oldest first)',
};

export function RegistryPage() {
  const [q, setQ] = useSearchState('q', '');
  const [tag, setTag] = useSearchState('tag', '');
  const [sort, setSort] = useSearchEnum<ModelSort>('sort', MODEL_SORTS, '-updated');
  const models = useModels(q, tag, sort);
  const tags = useAllTags();

  return (
    <section className="registry">
      <h1>Registry</h1>
      <Explain>
        <p>
          Every GRADIEND checkpoint the team uploaded, one row per model. <em>Dims</em>: the latest version’s
          input_dim (the gradient entries it reads) over the size of the base-model parameter space it was
          selected from; a pruned version keeps fewer. Upload a checkpoint folder or archive below; uploading
          files identical to an existing version points you to it instead of storing a copy.
        </p>
      </Explain>
      <div className="toolbar">
        <label className="field">
          Search
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="name or description"
          />
        </label>
        <label className="field">
          Tag
          <select value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">all tags</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Sort
          <select value={sort} onChange={(e) => setSort(e.target.value as ModelSort)}>
            {MODEL_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {models.isPending ? (
        <Loading what="models" />
      ) : models.isError ? (
        <ErrorView error={models.error} what="models" />
      ) : models.data.items.length === 0 ? (
        <Empty>
          {q || tag ? 'No model matches this search.' : 'The registry is empty: upload a checkpoint below.'}
        </Empty>
      ) : (
        <ModelTable models={models.data.items} />
      )}
      <UploadPanel />
    </section>
  );
}
