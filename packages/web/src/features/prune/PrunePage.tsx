import { useEffect, useMemo } from 'react';
import { problemOf } from '../../api/problem';
import { useHistogram, usePrunePreview } from '../../api/queries';
import { HISTOGRAM_SCALES, PARTS, type Part, type PruneBody } from '../../api/contract';
import { preloadPlot } from '../../components/Plot';
import { Explain, ImportanceParts, UNITS_NOTE } from '../../components/Explain';
import { PartSelect } from '../../components/PartSelect';
import { JobProgress } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ErrorView, Loading } from '../../components/Status';
import { histogramCut } from '../../lib/histogram-cut';
import { TOPK_FORMS_HINT } from '@gradiend/core/topk-input';
import { formatValue } from '../../lib/format';
import { approxKept, parseTopk } from '../../lib/parse-topk';
import { useCommitMark } from '../../lib/render-mark';
import { useDebounced } from '../../lib/use-debounced';
import { useSearchEnum, useSearchPatch, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { HistogramPlot } from './HistogramPlot';
import { PrunePreviewPanel } from './PrunePreviewPanel';
import { PruningCurvePanel } from './PruningCurvePanel';
import { usePruneJob } from './use-prune-job';

const MODES = ['topk', 'threshold'] as const;
type Mode = (typeof MODES)[number];
const SCALES = HISTOGRAM_SCALES;

/** Why a threshold cannot prune, in the researcher's words (the server would refuse it too). */
function thresholdProblem(threshold: number | null, max: number | null): string | null {
  if (threshold === null) return null;
  if (!Number.isFinite(threshold)) return 'enter a number';
  if (max !== null && threshold > max) {
    return `no dim has importance ≥ ${formatValue(threshold)}; the largest is ${formatValue(max)}, so this would remove every dim`;
  }
  return null;
}

function sameBody(a: PruneBody | null, b: PruneBody | null): boolean {
  return a === b || (a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b));
}

export function PrunePage() {
  useEffect(preloadPlot, []);
  const { name, ref, version } = useVersionContext();
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const [scale, setScale] = useSearchEnum('scale', SCALES, 'linear');
  const [mode, setMode] = useSearchEnum<Mode>('mode', MODES, 'topk');
  const [kText, setKText] = useSearchState('k', '1%');
  const [thresholdText, setThresholdText] = useSearchState('t', '');
  const [target, setTarget] = useSearchState('target', '');
  const histogram = useHistogram(name, ref, part, scale);
  const prune = usePruneJob(name, ref);

  useCommitMark('prune');
  // Memoized by value: a body rebuilt every render never equals its debounced copy, so the
  // preview would look outdated forever and the debounce would re-render the page in a loop.
  const topk = useMemo(() => parseTopk(kText), [kText]);
  const threshold = thresholdText === '' ? null : Number(thresholdText);
  const maxImportance = histogram.data?.max ?? null;
  const histogramPending = mode === 'threshold' && histogram.isPending;
  const thresholdError = thresholdProblem(threshold, maxImportance);
  const body = useMemo<PruneBody | null>(() => {
    if (mode === 'topk') return topk.ok ? { topk: topk.spec, part } : null;
    // Wait for the histogram's maximum so a threshold above it is refused here, not by the server.
    return threshold !== null && Number.isFinite(threshold) && thresholdError === null && !histogramPending
      ? { threshold, part }
      : null;
  }, [mode, topk, threshold, thresholdError, histogramPending, part]);
  const debounced = useDebounced(body, 250);
  const preview = usePrunePreview(name, ref, debounced);
  const current =
    body !== null &&
    sameBody(body, preview.data?.request ?? null) &&
    !preview.isFetching &&
    !preview.isPlaceholderData;

  const patch = useSearchPatch();
  // Where the curve marks the current cut: the top-k's count, or the dims the previewed threshold keeps.
  const currentKept =
    mode === 'topk'
      ? topk.ok
        ? approxKept(topk.spec, version.input_dim)
        : null
      : current && preview.data
        ? preview.data.answer.input_dim
        : null;
  const onThreshold = (value: number) =>
    patch({ mode: 'threshold', t: String(Number(value.toPrecision(6))) });

  const apply = () => {
    if (!body) return;
    prune.start.mutate(target ? { ...body, target } : body);
  };

  return (
    <div className="prune">
      <Explain>
        <p>
          The histogram counts this version’s input dims by importance (the part chosen here). Its x-range
          leaves out the most extreme values so they cannot flatten every bar; “N below and M above the
          plotted range” are dims outside it, counted but not drawn. The red line is where the current top-k
          or threshold cuts.
        </p>
        <ImportanceParts />
        <p>
          A prune keeps the top-k dims (a count, a fraction or a percentage of this version’s input_dim) or
          every dim with importance ≥ the threshold, and stores a new version: the param map lists only the
          kept dims and the weights keep only their rows and columns. Nothing is retrained. The preview is
          computed by the same code as Apply and shows exactly what Apply would store; it is dimmed while it
          does not match the form.
        </p>
        <p className="muted small">{UNITS_NOTE}</p>
      </Explain>
      <div className="toolbar">
        <PartSelect value={part} onChange={setPart} />
        <label className="field">
          Histogram scale
          <select
            value={scale}
            onChange={(e) => setScale(e.target.value as (typeof SCALES)[number])}
            aria-label="Histogram scale"
          >
            {SCALES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="prune-plots">
        {histogram.isPending ? (
          <Loading what="importance histogram" />
        ) : histogram.isError ? (
          <ErrorView error={histogram.error} what="importance histogram" />
        ) : (
          <HistogramPlot
            histogram={histogram.data}
            threshold={
              mode === 'threshold'
                ? threshold
                : topk.ok
                  ? histogramCut(histogram.data, approxKept(topk.spec, version.input_dim))
                  : null
            }
            onThreshold={onThreshold}
          />
        )}
        <PruningCurvePanel
          name={name}
          ref={ref}
          part={part}
          current={currentKept}
          onUseK={(k) => patch({ mode: 'topk', k: String(k) })}
        />
      </div>
      <div className="prune-controls card">
        <fieldset className="field segmented">
          <legend>Keep</legend>
          <label>
            <input
              type="radio"
              name="prune-mode"
              checked={mode === 'topk'}
              onChange={() => setMode('topk')}
            />
            top-k
          </label>
          <label>
            <input
              type="radio"
              name="prune-mode"
              checked={mode === 'threshold'}
              onChange={() => setMode('threshold')}
            />
            importance ≥ threshold
          </label>
        </fieldset>
        {mode === 'topk' ? (
          <label className="field">
            Top-k ({TOPK_FORMS_HINT})
            <input
              value={kText}
              onChange={(e) => setKText(e.target.value)}
              aria-invalid={!topk.ok}
              aria-label="Top-k"
            />
          </label>
        ) : (
          <label className="field">
            Threshold
            <input
              type="number"
              step="any"
              value={thresholdText}
              onChange={(e) => setThresholdText(e.target.value)}
              aria-invalid={thresholdError !== null}
              aria-label="Threshold"
            />
            {maxImportance !== null && (
              <span className="muted small" data-testid="importance-max">
                largest {part} importance: {formatValue(maxImportance)}
              </span>
            )}
          </label>
        )}
        {mode === 'threshold' && thresholdError !== null && (
          <p className="hint" role="alert">
            {thresholdError}
          </p>
        )}
        {mode === 'topk' && !topk.ok && (
          <p className="hint" role="alert">
            {topk.error}
          </p>
        )}
        <label className="field">
          Save as model (optional)
          <input value={target} onChange={(e) => setTarget(e.target.value)} placeholder={name} />
        </label>
        <button
          type="button"
          className="primary"
          disabled={!body || prune.start.isPending || prune.running}
          onClick={apply}
        >
          {prune.start.isPending || prune.running ? 'Pruning…' : 'Apply: create pruned version'}
        </button>
        {prune.start.isError && <ProblemMessage problem={problemOf(prune.start.error)} action="Pruning" />}
        {prune.jobId && <JobProgress jobId={prune.jobId} label="Pruning" onFinished={prune.onFinished} />}
      </div>
      <PrunePreviewPanel preview={preview} current={current} />
    </div>
  );
}
