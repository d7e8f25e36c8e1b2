import { useEffect, useMemo } from 'react';
import { problemOf } from '../../api/problem';
import { JobProgress } from '../../components/JobProgress';
import { preloadPlot } from '../../components/Plot';
import { ProblemMessage } from '../../components/ProblemMessage';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { formatInt } from '../../lib/format';
import { useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { ConvergenceVerdict } from './ConvergenceVerdict';
import { EncodingsPlot } from './EncodingsPlot';
import { LabeledSetUpload } from './LabeledSetUpload';
import { classNames, encodingsByClass, splitView } from './scorecard';
import { ScorecardTable } from './ScorecardTable';
import { SplitGeneralization } from './SplitGeneralization';
import { useEvaluation, useLabeledSets } from './use-labeled-sets';

/** Evaluate: this version's encoder on a labeled gradient set — the reference scorecard and verdict. */
export function EvaluatePage() {
  useEffect(preloadPlot, []);
  const { name, ref, version } = useVersionContext();
  const sets = useLabeledSets(name, ref);
  const [chosen, setChosen] = useSearchState('set', '');
  const [dimText, setDimText] = useSearchState('dim', '0');
  const items = useMemo(() => sets.data?.items ?? [], [sets.data]);
  const set = chosen !== '' ? chosen : (items[0]?.name ?? null);
  const evaluation = useEvaluation(name, ref, set);
  const result = evaluation.result;
  const dim = Math.min(Math.max(0, Number(dimText) || 0), (result?.latent_dim ?? 1) - 1);
  const groups = useMemo(
    () => (result ? encodingsByClass(result.samples, dim, classNames(result.metrics)) : []),
    [result, dim],
  );
  const split = result ? splitView(result.metrics) : null;
  const info = items.find((s) => s.name === set);

  return (
    <section className="evaluate">
      <p className="muted">
        How well this version&apos;s encoder separates the feature on labeled gradients: the reference&apos;s
        scorecard (<code>get_encoder_metrics_from_dataframe</code>) and the trainer&apos;s convergence
        verdict.
      </p>
      <div className="toolbar">
        <label className="field">
          Labeled set
          <select
            aria-label="Labeled set"
            value={set ?? ''}
            onChange={(e) => setChosen(e.target.value)}
            disabled={items.length === 0}
          >
            {items.length === 0 && <option value="">none yet</option>}
            {items.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} — {formatInt(s.n_samples)} samples, v{s.root_version}&apos;s space
              </option>
            ))}
          </select>
        </label>
        {result && result.latent_dim > 1 && (
          <label className="field">
            Latent dimension
            <select aria-label="Latent dimension" value={dim} onChange={(e) => setDimText(e.target.value)}>
              {Array.from({ length: result.latent_dim }, (_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {info && (
        <p className="muted small" data-testid="set-info">
          {info.description ? `${info.description} · ` : ''}
          {info.format}, {info.dtype}, labels{' '}
          {Object.entries(info.label_counts)
            .map(([label, n]) => `${label}: ${n}`)
            .join(', ')}
        </p>
      )}
      {sets.isPending && <Loading what="labeled sets" />}
      {sets.isError && <ErrorView error={sets.error} what="labeled sets" />}
      {sets.isSuccess && items.length === 0 && (
        <Empty>No labeled set serves v{version.version} yet: upload one below.</Empty>
      )}
      {evaluation.pending && <Loading what="evaluation" />}
      {evaluation.jobId !== null && <JobProgress jobId={evaluation.jobId} label={`Evaluating on ${set}`} />}
      {evaluation.error && <ProblemMessage problem={problemOf(evaluation.error)} action="Evaluation" />}
      {result && (
        <div
          className="evaluate-result"
          data-testid="evaluation"
          data-set={result.set}
          data-version={result.version}
        >
          <ConvergenceVerdict evaluation={result} />
          <ScorecardTable evaluation={result} />
          <div className="card">
            <h2>Encodings per class</h2>
            <EncodingsPlot groups={groups} dim={dim} />
          </div>
          {split && <SplitGeneralization split={split} />}
        </div>
      )}
      <LabeledSetUpload model={name} version={ref} onUploaded={setChosen} />
    </section>
  );
}
