import { useEffect, useMemo } from 'react';
import { problemOf } from '../../api/problem';
import { useHistogram, usePrunePreview } from '../../api/queries';
import { PARTS, type Part, type PruneBody } from '../../api/types';
import { preloadPlot } from '../../components/Plot';
import { PartSelect } from '../../components/PartSelect';
import { JobProgress } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ErrorView, Loading } from '../../components/Status';
import { histogramCut } from '../../lib/histogram-cut';
import { approxKept, parseTopk } from '../../lib/parse-topk';
import { useDebounced } from '../../lib/use-debounced';
import { useSearchEnum, useSearchPatch, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { HistogramPlot } from './HistogramPlot';
import { PrunePreviewPanel } from './PrunePreviewPanel';
import { usePruneJob } from './use-prune-job';

const MODES = ['topk', 'threshold'] as const;
type Mode = (typeof MODES)[number];
const SCALES = ['linear', 'log'] as const;

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

  const topk = parseTopk(kText, version.input_dim);
  const threshold = thresholdText === '' ? null : Number(thresholdText);
  const body = useMemo<PruneBody | null>(() => {
    if (mode === 'topk') return topk.ok ? { topk: topk.topk.value, part } : null;
    return threshold !== null && Number.isFinite(threshold) ? { threshold, part } : null;
  }, [mode, topk, threshold, part]);
  const debounced = useDebounced(body, 250);
  const preview = usePrunePreview(name, ref, debounced);

  const patch = useSearchPatch();
  const onThreshold = (value: number) =>
    patch({ mode: 'threshold', t: String(Number(value.toPrecision(6))) });

  const apply = () => {
    if (!body) return;
    prune.start.mutate(target ? { ...body, target } : body);
  };

  return (
    <div className="prune">
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
                ? histogramCut(histogram.data, approxKept(topk.topk, version.input_dim))
                : null
          }
          onThreshold={onThreshold}
        />
      )}
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
            Top-k (count like 500, fraction like 0.01, or percent like 1%)
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
              aria-label="Threshold"
            />
          </label>
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
      <PrunePreviewPanel preview={preview} pending={body !== debounced} />
    </div>
  );
}
