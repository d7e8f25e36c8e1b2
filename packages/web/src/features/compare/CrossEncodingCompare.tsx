import { useMemo } from 'react';
import {
  CROSS_ENCODING_METRICS,
  DISPERSIONS,
  MAX_CROSS_ENCODING_SIDE,
  SEED_AGGREGATES,
  type CrossEncodingBody,
  type CrossEncodingResponse,
} from '../../api/contract';
import { problemOf } from '../../api/problem';
import { Explain } from '../../components/Explain';
import { JobProgress } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';
import { Empty, Loading } from '../../components/Status';
import { useLabeledSets } from '../evaluate/use-labeled-sets';
import { useSearchEnum, useSearchFlag, useSearchState } from '../../lib/use-search-state';
import {
  columnId,
  crossEncodingBody,
  crossEncodingPanel,
  normalizeBlocker,
  parseColumns,
  type CrossEncodingMetric,
} from './cross-encoding-request';
import { isMultiSeed, matrixRows } from './matrix-request';
import { MatrixHeatmap } from './MatrixHeatmap';
import { ROW_MODES, RowModeSelect, RowPicker } from './RowPicker';
import { Select } from './Select';
import { useCompareJob } from './use-compare-job';
import { useVersionRefs } from './use-version-refs';

const METRIC_NAMES: Record<CrossEncodingMetric, string> = {
  positive_mean: 'mean of the positive class (+1)',
  negative_mean: 'mean of the negative class (−1)',
  positive_minus_negative: 'positive − negative',
};

/** One model's labeled sets as checkboxes (the columns it can contribute). */
function ModelSets({
  model,
  picked,
  onToggle,
}: {
  model: string;
  picked: readonly string[];
  onToggle: (id: string, on: boolean) => void;
}) {
  const sets = useLabeledSets(model, '');
  const items = sets.data?.items ?? [];
  return (
    <fieldset className="card" data-testid="cross-model-sets">
      <legend>{model}</legend>
      {sets.isPending && <Loading what="labeled sets" />}
      {sets.isError && <p className="muted">Labeled sets could not be read.</p>}
      {sets.isSuccess && items.length === 0 && <p className="muted">No labeled sets.</p>}
      {items.map((s) => {
        const id = columnId({ model, set: s.name });
        return (
          <label key={id} className="field-inline">
            <input
              type="checkbox"
              checked={picked.includes(id)}
              onChange={(e) => onToggle(id, e.target.checked)}
            />
            {id}
            <span className="muted small">
              {' '}
              root v{s.root_version}, {s.n_samples} samples
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

/** How GRADIENDs encode each other's labeled sets: rows encode columns, as an annotated heatmap. */
export function CrossEncodingCompare() {
  const { versions, pending } = useVersionRefs();
  const [mode, setMode] = useSearchEnum('rows', ROW_MODES, 'versions');
  const [pickText, setPickText] = useSearchState('pick', '');
  const [colsText, setColsText] = useSearchState('cols', '');
  const [metric, setMetric] = useSearchEnum<CrossEncodingMetric>(
    'metric',
    CROSS_ENCODING_METRICS,
    'positive_mean',
  );
  const [normalizeWanted, setNormalize] = useSearchFlag('norm');
  const [allowIncomplete, setAllowIncomplete] = useSearchFlag('incomplete');
  const [aggregate, setAggregate] = useSearchEnum('agg', SEED_AGGREGATES, 'mean');
  const [dispersion, setDispersion] = useSearchEnum('disp', DISPERSIONS, 'std');
  const job = useCompareJob<CrossEncodingBody, CrossEncodingResponse>('/compare/cross-encoding', 'cross-job');

  const picked = useMemo(() => pickText.split(',').filter((p) => p !== ''), [pickText]);
  const pickedCols = useMemo(() => colsText.split(',').filter((p) => p !== ''), [colsText]);
  const rows = matrixRows(mode, picked, versions);
  const columns = parseColumns(pickedCols);
  const models = [...new Set(versions.map((v) => v.name))];
  const blocker = normalizeBlocker(rows, columns);
  const normalize = normalizeWanted && blocker === null;
  const tooMany = rows.length > MAX_CROSS_ENCODING_SIDE || columns.length > MAX_CROSS_ENCODING_SIDE;
  const ready = rows.length >= 1 && columns.length >= 1 && !tooMany;
  const toggleColumn = (id: string, on: boolean) =>
    setColsText((on ? [...pickedCols, id] : pickedCols.filter((c) => c !== id)).join(','));
  const submit = () =>
    job.start.mutate(
      crossEncodingBody(rows, columns, {
        metric,
        normalize,
        allowIncomplete,
        seedAggregate: aggregate,
        dispersion,
      }),
    );
  const result = job.result;

  return (
    <section className="cross-encoding">
      <p className="muted">
        How GRADIENDs encode each other’s labeled sets: rows encode, columns are encoded.
      </p>
      <Explain>
        <p>
          Cell (row, column) is the row GRADIEND’s mean encoding of the column set’s positive class (label
          +1), of its negative class (−1), or their difference; neutral samples never count. A row may encode
          another model’s set when both map the same base parameters; a row that reads dims the set’s root
          pruned away cannot encode it (allow incomplete to leave that cell empty). Normalizing divides each
          row by its diagonal cell, its encoding of its own model’s set, so it needs row i to be a version of
          the model owning column i’s set.
        </p>
      </Explain>
      <div className="toolbar">
        <RowModeSelect
          mode={mode}
          onChange={(m) => {
            setMode(m);
            setPickText('');
          }}
        />
        <Select
          label="Metric"
          value={metric}
          values={CROSS_ENCODING_METRICS}
          onChange={setMetric}
          names={METRIC_NAMES}
        />
        <label className="field-inline">
          <input
            type="checkbox"
            checked={normalize}
            disabled={blocker !== null}
            onChange={(e) => setNormalize(e.target.checked)}
          />
          Normalize by diagonal
        </label>
        <label className="field-inline">
          <input
            type="checkbox"
            checked={allowIncomplete}
            onChange={(e) => setAllowIncomplete(e.target.checked)}
          />
          Allow incomplete
        </label>
        {isMultiSeed(rows) && (
          <>
            <Select
              label="Seed aggregate"
              value={aggregate}
              values={SEED_AGGREGATES}
              onChange={setAggregate}
            />
            <Select label="Dispersion" value={dispersion} values={DISPERSIONS} onChange={setDispersion} />
          </>
        )}
      </div>
      {blocker !== null && (
        <p className="muted small" data-testid="normalize-blocked">
          Normalize by diagonal is off: {blocker}
        </p>
      )}
      {pending && <Loading what="versions" />}
      <h2>Rows: GRADIENDs</h2>
      <RowPicker
        mode={mode}
        versions={versions}
        picked={picked}
        onChange={(next) => setPickText(next.join(','))}
      />
      <h2>Columns: labeled sets</h2>
      <div className="matrix-picker">
        {models.map((m) => (
          <ModelSets key={m} model={m} picked={pickedCols} onToggle={toggleColumn} />
        ))}
      </div>
      <div className="toolbar">
        <button type="button" disabled={!ready || job.start.isPending} onClick={submit}>
          Compute {rows.length}×{columns.length} matrix
        </button>
        {!ready && (
          <span className="muted">
            {tooMany
              ? `At most ${MAX_CROSS_ENCODING_SIDE} rows and ${MAX_CROSS_ENCODING_SIDE} columns.`
              : 'Pick at least one row and one labeled set.'}
          </span>
        )}
      </div>
      {job.start.isError && <ProblemMessage problem={problemOf(job.start.error)} action="Cross-encoding" />}
      {job.resultError && (
        <ProblemMessage problem={problemOf(job.resultError)} action="Cross-encoding result" />
      )}
      {job.jobId !== null && !result && (
        <JobProgress jobId={job.jobId} label={`Cross-encoding (${metric})`} />
      )}
      {job.start.isPending && <Loading what="cross-encoding" />}
      {result ? (
        <div className="card" data-testid="cross-result">
          <p className="muted small">
            {result.measure}: {result.rows.length} rows × {result.columns.length} columns
            {result.row_normalized_by_diagonal ? ', each row divided by its diagonal cell' : ''}
            {result.unavailable.length > 0
              ? `, ${result.unavailable.length} cell${result.unavailable.length === 1 ? '' : 's'} unavailable (hover for why)`
              : ''}
          </p>
          <MatrixHeatmap
            panel={crossEncodingPanel(result)}
            measure={result.measure}
            aggregate={result.seed_aggregate}
          />
        </div>
      ) : (
        !job.start.isPending &&
        job.jobId === null &&
        !job.start.isError && <Empty>Pick rows and labeled sets, then compute.</Empty>
      )}
    </section>
  );
}
