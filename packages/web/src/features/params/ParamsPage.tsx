import { useEffect, useMemo } from 'react';
import { useParams } from '../../api/queries';
import { PARTS, type Part } from '../../api/contract';
import { Explain, ImportanceParts, UNITS_NOTE } from '../../components/Explain';
import { PartSelect } from '../../components/PartSelect';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { groupByLayer } from '../../lib/layer-groups';
import { filterRows, sortRows } from '../../lib/param-table';
import { markRendered } from '../../lib/render-mark';
import { useSearchEnum, useSearchFlag, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { LayerMassChart } from './LayerMassChart';
import { ParamTable } from './ParamTable';

export function ParamsPage() {
  const { name, ref } = useVersionContext();
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const [filter, setFilter] = useSearchState('filter', '');
  const [sort, setSort] = useSearchState('sort', 'order');
  const [grouped, setGrouped] = useSearchFlag('group');
  const params = useParams(name, ref, part);

  const rows = useMemo(
    () => (params.data ? sortRows(filterRows(params.data.items, filter), sort) : []),
    [params.data, filter, sort],
  );
  const groups = useMemo(() => (grouped ? groupByLayer(rows) : []), [grouped, rows]);

  useEffect(() => {
    if (params.data) markRendered('params-rendered');
  }, [params.data]);

  return (
    <div className="params">
      <Explain>
        <p>
          One row per base-model parameter this GRADIEND reads. <em>Selected / numel</em>: how many of the
          parameter’s entries are input dims of this version; <em>coverage</em> is that share. <em>Stored</em>
          : the bytes its dims take in the weights. <em>Importance sum</em> adds the part’s importance over
          the selected entries, so on an unpruned model it mostly tracks the parameter’s size; <em>mean</em>{' '}
          (sum / selected) compares parameters of different sizes; <em>max</em> is the largest single entry.
          “Group by layer” groups the rows under one summary row per layer.
        </p>
        <ImportanceParts />
        <p className="muted small">{UNITS_NOTE}</p>
      </Explain>
      <div className="toolbar">
        <PartSelect value={part} onChange={setPart} />
        <label className="field">
          Filter parameters
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="e.g. layer.3 query"
          />
        </label>
        <label className="field field-inline">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />
          Group by layer
        </label>
      </div>
      {params.isPending ? (
        <Loading what="parameters" />
      ) : params.isError ? (
        <ErrorView error={params.error} what="parameters" />
      ) : rows.length === 0 ? (
        <Empty>No parameter matches “{filter}”.</Empty>
      ) : (
        <>
          {grouped && <LayerMassChart groups={groups} />}
          <ParamTable
            rows={rows}
            grouped={grouped}
            sort={sort}
            onSort={setSort}
            name={name}
            refName={ref}
            part={part}
          />
        </>
      )}
    </div>
  );
}
