import { useMemo, useState } from 'react';
import {
  PARTS,
  SEED_AGGREGATES,
  DISPERSIONS,
  SIMILARITY_MEASURES,
  type Part,
  type SimilarityMatrixBody,
  type SimilarityMatrixResponse,
} from '../../api/contract';
import { problemOf } from '../../api/problem';
import { Explain } from '../../components/Explain';
import { JobProgress } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';
import { Empty, Loading } from '../../components/Status';
import { TopkError, TopkField } from '../../components/TopkField';
import { parseTopk } from '../../lib/parse-topk';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import {
  GROUP_BYS,
  isMultiSeed,
  matrixBody,
  matrixPanels,
  matrixRows,
  needsTopk,
  type GroupBy,
  type Measure,
} from './matrix-request';
import { MatrixHeatmap } from './MatrixHeatmap';
import { ROW_MODES, RowModeSelect, RowPicker } from './RowPicker';
import { Select } from './Select';
import { useCompareJob } from './use-compare-job';
import { useVersionRefs } from './use-version-refs';

const DEFAULT_PART = 'default';

/** Compare N GRADIENDs at once: the reference's similarity matrix as an annotated heatmap. */
export function MatrixCompare() {
  const { versions, pending } = useVersionRefs();
  const [mode, setMode] = useSearchEnum('rows', ROW_MODES, 'versions');
  const [pickText, setPickText] = useSearchState('pick', '');
  const [measure, setMeasure] = useSearchEnum<Measure>('measure', SIMILARITY_MEASURES, 'cosine');
  const [part, setPart] = useSearchEnum<Part | typeof DEFAULT_PART>(
    'part',
    [DEFAULT_PART, ...PARTS],
    DEFAULT_PART,
  );
  const [kText, setKText] = useSearchState('k', '');
  const [groupBy, setGroupBy] = useSearchEnum<GroupBy>('group', GROUP_BYS, 'none');
  const [aggregate, setAggregate] = useSearchEnum('agg', SEED_AGGREGATES, 'mean');
  const [dispersion, setDispersion] = useSearchEnum('disp', DISPERSIONS, 'std');
  const [shownGroup, setShownGroup] = useState<string | null>(null);
  const job = useCompareJob<SimilarityMatrixBody, SimilarityMatrixResponse>('/compare/matrix', 'matrix-job');

  const picked = useMemo(() => pickText.split(',').filter((p) => p !== ''), [pickText]);
  const rows = matrixRows(mode, picked, versions);
  const multiSeed = isMultiSeed(rows);
  const k = kText.trim() === '' ? null : parseTopk(kText);
  const kMissing = k === null && needsTopk(measure);
  const ready = rows.length >= 2 && (k === null || k.ok) && !kMissing;
  const submit = () =>
    job.start.mutate(
      matrixBody(rows, {
        measure,
        part: part === DEFAULT_PART ? null : part,
        topk: k?.ok ? k.spec : null,
        groupBy,
        seedAggregate: aggregate,
        dispersion,
      }),
    );

  const panels = job.result ? matrixPanels(job.result) : [];
  const panel = panels.find((p) => p.title === shownGroup) ?? panels[0];

  return (
    <section className="matrix-compare">
      <p className="muted">
        Pairwise similarity of several GRADIENDs of one base model, aligned by base-parameter coordinates.
      </p>
      <Explain>
        <p>
          Each cell compares two GRADIENDs on one part: cosine or Spearman of their values over the
          coordinates both select (the <em>_signed</em> variants keep the sign, the others take absolute
          values), or the overlap of their top-k sets (<em>topk_overlap</em>: shared / smaller set;{' '}
          <em>mass_overlap</em>: the share of importance mass in the shared coordinates). A seed group
          (versions sharing a tag) aggregates every pair of its seeds into one cell; hover a cell for n and
          the spread. Only versions that map the same base parameters (names and shapes) compare.
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
        <Select label="Measure" value={measure} values={SIMILARITY_MEASURES} onChange={setMeasure} />
        <Select
          label="Part"
          value={part}
          values={[DEFAULT_PART, ...PARTS]}
          onChange={setPart}
          names={{ [DEFAULT_PART]: "measure's default" }}
        />
        <TopkField value={kText} onChange={setKText} valid={k === null || k.ok} />
        <Select
          label="Group by"
          value={multiSeed ? 'none' : groupBy}
          values={GROUP_BYS}
          onChange={setGroupBy}
          disabled={multiSeed}
          names={{ none: 'all parameters', param: 'parameter', layer: 'layer', component: 'component' }}
        />
        {mode === 'seeds' && (
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
      <TopkError error={k !== null && !k.ok ? k.error : null} />
      {kMissing && (
        <p className="hint" role="alert">
          {measure} compares top-k sets: give a k (e.g. 1%).
        </p>
      )}
      {pending && <Loading what="versions" />}
      <RowPicker
        mode={mode}
        versions={versions}
        picked={picked}
        onChange={(next) => setPickText(next.join(','))}
      />
      <div className="toolbar">
        <button type="button" disabled={!ready || job.start.isPending} onClick={submit}>
          Compute {rows.length}×{rows.length} matrix
        </button>
        {rows.length < 2 && (
          <span className="muted">Pick at least two {mode === 'seeds' ? 'tags' : 'versions'}.</span>
        )}
      </div>
      {job.start.isError && (
        <ProblemMessage problem={problemOf(job.start.error)} action="Similarity matrix" />
      )}
      {job.jobId !== null && !job.result && (
        <JobProgress jobId={job.jobId} label={`Similarity matrix (${measure})`} />
      )}
      {job.start.isPending && <Loading what="similarity matrix" />}
      {job.result && panel ? (
        <div className="card" data-testid="matrix-result" data-kind={job.result.kind}>
          {panels.length > 1 && (
            <Select
              label="Parameter group"
              value={panel.title}
              values={panels.map((p) => p.title)}
              onChange={setShownGroup}
            />
          )}
          <p className="muted small">
            {job.result.measure} on {job.result.part}
            {job.result.topk !== null ? `, top-k ${job.result.topk}` : ', all coordinates'}
            {job.result.global_n !== undefined ? `, ${job.result.global_n} seed pairs per cell` : ''}
          </p>
          <MatrixHeatmap
            panel={panel}
            measure={job.result.measure}
            aggregate={job.result.seed_aggregate ?? 'mean'}
          />
        </div>
      ) : (
        !job.start.isPending &&
        job.jobId === null &&
        !job.start.isError && <Empty>Pick rows and compute.</Empty>
      )}
    </section>
  );
}
