import { useEffect, useMemo, useState } from 'react';
import { useHeatmap } from '../../api/queries';
import { AGGS, PARTS, type Agg, type Part } from '../../api/contract';
import { preloadPlot } from '../../components/Plot';
import { Explain, ImportanceParts } from '../../components/Explain';
import { PartSelect } from '../../components/PartSelect';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { formatShape } from '../../lib/format';
import type { Cell } from '../../lib/heatmap-cells';
import { filterRows } from '../../lib/param-table';
import { useSearchEnum, useSearchFlag, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { CellReadout } from './CellReadout';
import { HeatmapPlot } from './HeatmapPlot';

const VIEWS = ['importance', 'coverage'] as const;
type View = (typeof VIEWS)[number];

export function HeatmapPage() {
  useEffect(preloadPlot, []);
  const { name, ref, version } = useVersionContext();
  const params = version.param_map;
  const [param, setParam] = useSearchState('param', params[0]?.name ?? '');
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const [agg, setAgg] = useSearchEnum<Agg>('agg', AGGS, 'max');
  const [view, setView] = useSearchEnum<View>('view', VIEWS, 'importance');
  const [log, setLog] = useSearchFlag('log');
  const [selected, setSelected] = useState<Cell | null>(null);
  const [hovered, setHovered] = useState<Cell | null>(null);
  const [search, setSearch] = useState('');
  const index = params.findIndex((p) => p.name === param);
  // An unknown ?param= (a renamed or mistyped link) is said so; nothing is requested or shown selected.
  const unknown = param !== '' && index < 0;
  const heatmap = useHeatmap(name, ref, unknown ? '' : param, part, agg);
  const shown = useMemo(() => filterRows(params, search), [params, search]);

  useEffect(() => {
    setSelected(null);
    setHovered(null);
  }, [param]);

  const step = (delta: number) => {
    const next = params[Math.max(0, Math.min(params.length - 1, index + delta))];
    if (next) setParam(next.name);
  };
  const entry = params[index];

  return (
    <div className="heatmap-view">
      <aside className="param-picker">
        <label className="field field-block">
          Find a parameter
          <input
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="e.g. layer.3 query"
            aria-label="Find a parameter"
          />
        </label>
        <label className="field field-block">
          Parameter ({index >= 0 ? `${index + 1} of ${params.length}` : `${params.length} in all`}
          {search ? `, ${shown.length} match` : ''})
          <select
            size={16}
            value={index >= 0 ? param : ''}
            onChange={(e) => setParam(e.target.value)}
            aria-label="Parameter"
          >
            {/* Without a matching option React would select the first one, which looks like a choice. */}
            {index < 0 && <option value="" disabled hidden />}
            {shown.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <div className="toolbar">
          <button
            type="button"
            onClick={() => step(-1)}
            disabled={index <= 0}
            aria-label="Previous parameter"
          >
            ← Prev
          </button>
          <button
            type="button"
            onClick={() => step(1)}
            disabled={index >= params.length - 1}
            aria-label="Next parameter"
          >
            Next →
          </button>
        </div>
      </aside>
      <div className="heatmap-main">
        <Explain>
          <p>
            The parameter in its own layout: rows × columns (a 1-D parameter is one strip, ≥3-D ones have
            their trailing dims flattened into columns). Axes show the parameter’s own indices. A large matrix
            is pooled into cells of several rows / columns; a cell’s value is the max, mean or sum
            (aggregation) of the importance of its selected entries. Grey cells hold no selected entry.
          </p>
          <p>
            <em>Coverage</em> view: the share of each cell’s entries that are input dims of this version. Its
            colours run from 0 to the largest coverage in the parameter, so a sparsely pruned model still
            shows where its dims are.
          </p>
          <ImportanceParts />
        </Explain>
        <div className="toolbar">
          <PartSelect value={part} onChange={setPart} />
          <label className="field">
            Aggregation
            <select value={agg} onChange={(e) => setAgg(e.target.value as Agg)} aria-label="Aggregation">
              {AGGS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="field segmented">
            <legend>View</legend>
            {VIEWS.map((v) => (
              <label key={v}>
                <input type="radio" name="heatmap-view" checked={view === v} onChange={() => setView(v)} />
                {v}
              </label>
            ))}
          </fieldset>
          <label className="field field-inline">
            <input
              type="checkbox"
              checked={log}
              onChange={(e) => setLog(e.target.checked)}
              disabled={view === 'coverage'}
            />
            Log colour scale
          </label>
        </div>
        {unknown ? (
          <p className="status status-error" role="alert">
            This version has no parameter named “{param}”. Pick one of its {params.length} parameters from the
            list.
          </p>
        ) : !entry ? (
          <Empty>Pick a parameter.</Empty>
        ) : heatmap.isPending ? (
          <Loading what={`heatmap of ${param}`} />
        ) : heatmap.isError ? (
          <ErrorView error={heatmap.error} what={`heatmap of ${param}`} />
        ) : (
          <>
            <p className="muted small">
              {entry.name} {formatShape(heatmap.data.shape)} shown as {heatmap.data.rows} ×{' '}
              {heatmap.data.cols} cells
              {heatmap.data.row_bin * heatmap.data.col_bin > 1
                ? ` (each ${heatmap.data.row_bin} × ${heatmap.data.col_bin} entries, ${agg})`
                : ''}
              ; grey = no selected entry. Arrow keys move the cell; [ and ] switch parameter.
            </p>
            <HeatmapPlot
              heatmap={heatmap.data}
              view={view}
              log={log}
              selected={selected}
              onSelect={setSelected}
              onHover={setHovered}
              onStepParam={step}
            />
            <CellReadout
              heatmap={heatmap.data}
              cell={hovered ?? selected}
              source={hovered ? 'hovered' : 'selected'}
            />
          </>
        )}
      </div>
    </div>
  );
}
