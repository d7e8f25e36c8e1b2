import { useMemo } from 'react';
import type { Part } from '../../api/contract';
import { problemOf } from '../../api/problem';
import { JobProgress } from '../../components/JobProgress';
import { ProblemMessage } from '../../components/ProblemMessage';
import { Loading } from '../../components/Status';
import { formatInt, formatPercent } from '../../lib/format';
import { readPercent, suggestK } from '../../lib/pruning-curve';
import { useSearchState } from '../../lib/use-search-state';
import { useLabeledSets, usePruningCurve } from '../evaluate/use-labeled-sets';
import { PruningCurvePlot } from './PruningCurvePlot';

/**
 * Beside the histogram: what pruning costs the feature. On a labeled set, the encoder correlation and
 * class means for every k, the current cut marked, and the smallest k keeping ≥ X % of the unpruned
 * correlation — one click fills the top-k field with it.
 */
export function PruningCurvePanel({
  name,
  ref,
  part,
  current,
  onUseK,
}: {
  name: string;
  ref: string;
  part: Part;
  /** Dims the current top-k / threshold keeps, when known. */
  current: number | null;
  onUseK: (k: number) => void;
}) {
  const sets = useLabeledSets(name, ref);
  const [chosen, setChosen] = useSearchState('set', '');
  const [keepText, setKeepText] = useSearchState('keep', '95');
  const items = useMemo(() => sets.data?.items ?? [], [sets.data]);
  const set = chosen !== '' ? chosen : (items[0]?.name ?? null);
  const curve = usePruningCurve(name, ref, set, part);
  const fraction = readPercent(keepText);
  const result = curve.result;
  const suggestion = result && fraction !== null ? suggestK(result, fraction) : null;

  return (
    <div className="card pruning-curve" data-testid="pruning-curve-panel">
      <h2>What pruning costs the feature</h2>
      {sets.isSuccess && items.length === 0 ? (
        <p className="muted">
          No labeled set serves this version: upload one on the Evaluate tab to see the encoder correlation
          for every k.
        </p>
      ) : (
        <div className="toolbar">
          <label className="field">
            Labeled set
            <select aria-label="Curve set" value={set ?? ''} onChange={(e) => setChosen(e.target.value)}>
              {items.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Keep ≥ % of the unpruned correlation
            <input
              value={keepText}
              onChange={(e) => setKeepText(e.target.value)}
              aria-label="Keep percent"
              aria-invalid={fraction === null}
              size={5}
            />
          </label>
        </div>
      )}
      {curve.pending && <Loading what="pruning curve" />}
      {curve.jobId !== null && <JobProgress jobId={curve.jobId} label={`Pruning curve on ${set}`} />}
      {curve.error && <ProblemMessage problem={problemOf(curve.error)} action="Pruning curve" />}
      {result && (
        <div data-testid="pruning-curve" data-points={result.points.length} data-part={result.part}>
          <PruningCurvePlot
            curve={result}
            current={current}
            suggested={suggestion?.kept_dims ?? null}
            classNames={{}}
          />
          <p className="muted small">
            Unpruned correlation {result.unpruned.correlation.toFixed(4)} over {formatInt(result.input_dim)}{' '}
            dims ({result.part} importance ranks the dims).
          </p>
          {fraction === null ? (
            <p className="hint" role="alert">
              Give a percentage between 0 and 100.
            </p>
          ) : suggestion ? (
            <p data-testid="curve-suggestion" data-k={suggestion.k} data-correlation={suggestion.correlation}>
              Smallest k keeping ≥ {formatPercent(fraction)} of the unpruned correlation:{' '}
              <strong>k = {formatInt(suggestion.k)}</strong> (correlation {suggestion.correlation.toFixed(4)},
              accuracy {suggestion.accuracy.toFixed(4)}){' '}
              <button type="button" onClick={() => onUseK(suggestion.k)}>
                Use k = {formatInt(suggestion.k)}
              </button>
            </p>
          ) : (
            <p className="muted">
              No k on the grid keeps {formatPercent(fraction)} of the unpruned correlation.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
