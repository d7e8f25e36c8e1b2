import { useMemo } from 'react';
import type { Version } from '../../api/contract';
import { Plot } from '../../components/Plot';
import { lossSeries, lossSteps } from '../../lib/training';
import { trainingStats } from '../../lib/training-stats';
import { TrainingStatsPlots } from './TrainingStatsPlots';

function scalarEntries(training: Record<string, unknown>): [string, string][] {
  return Object.entries(training)
    .filter(([, v]) => v === null || typeof v !== 'object')
    .map(([k, v]) => [k, String(v)]);
}

/** A pruned version carries its parent's training.json: say so, so its numbers are not read as the prune's. */
function inheritedNote(version: Version): string | null {
  if (version.operation !== 'prune' || !version.parent) return null;
  return `Inherited from ${version.parent.name} v${version.parent.version}: pruning does not retrain, so these numbers (correlation_test included) were measured on the unpruned model, before this prune.`;
}

export function TrainingCard({ version }: { version: Version }) {
  const series = useMemo(() => lossSeries(version.training), [version.training]);
  const stats = useMemo(() => trainingStats(version.training), [version.training]);
  const data = useMemo(
    () =>
      series.map((s) => ({
        type: 'scatter' as const,
        mode: 'lines+markers' as const,
        name: s.key,
        x: lossSteps(s.key, s.values.length),
        y: s.values,
      })),
    [series],
  );
  const layout = useMemo(
    () => ({
      height: 260,
      margin: { l: 60, r: 20, t: 10, b: 40 },
      xaxis: { title: { text: 'step' } },
      yaxis: { title: { text: 'loss' } },
      showlegend: series.length > 1,
    }),
    [series.length],
  );
  if (!version.training) {
    return (
      <div className="card">
        <h2>Training</h2>
        <p className="muted">This version has no training.json.</p>
      </div>
    );
  }
  const inherited = inheritedNote(version);
  return (
    <div className="card">
      <h2>Training{inherited ? ' (of the parent)' : ''}</h2>
      {inherited && (
        <p className="note" data-testid="training-inherited">
          {inherited}
        </p>
      )}
      <dl className="kv">
        {scalarEntries(version.training).map(([k, v]) => (
          <div key={k}>
            <dt>
              {k}
              {inherited && /correlation/i.test(k) ? ' (parent, before pruning)' : ''}
            </dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {series.length > 0 ? (
        <Plot data={data} layout={layout} ariaLabel="Training loss curve" />
      ) : (
        <p className="muted">training.json has no loss series.</p>
      )}
      {stats ? (
        <TrainingStatsPlots stats={stats} />
      ) : (
        <p className="muted" data-testid="training-no-stats">
          training.json has no step statistics (training_stats).
        </p>
      )}
    </div>
  );
}
