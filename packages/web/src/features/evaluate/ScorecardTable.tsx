import type { EvaluationResponse } from '../../api/contract';
import { formatInt } from '../../lib/format';
import { CLASS_STATS, classRows, dimensionRows, subsetRows, typeRows } from './scorecard';

const num = (v: number | null, digits = 4) => (v === null ? '—' : v.toFixed(digits));

/** The reference scorecard: correlation and accuracy per subset, statistics per class and per type. */
export function ScorecardTable({ evaluation }: { evaluation: EvaluationResponse }) {
  const { metrics } = evaluation;
  const subsets = subsetRows(metrics);
  const classes = classRows(metrics);
  const types = typeRows(metrics);
  const dims = dimensionRows(metrics, evaluation.latent_dim);
  const boundaries = (metrics.boundaries ?? {}) as Record<string, number>;
  return (
    <div className="card" data-testid="scorecard">
      <h2>Scorecard</h2>
      <p className="muted small">
        {formatInt(typeof metrics.n_samples === 'number' ? metrics.n_samples : evaluation.samples.length)}{' '}
        samples of set <strong>{evaluation.set}</strong> (given in v{evaluation.root_version}&apos;s space),
        encoded by v{evaluation.version}; gradients divided by input_scale {evaluation.input_scale}. Accuracy:
        ternary at ±{boundaries.pos_boundary ?? 0.5} (by sign on the target classes).
      </p>
      <table className="data" data-testid="scorecard-subsets">
        <thead>
          <tr>
            <th>Subset</th>
            <th>Correlation</th>
            <th>Accuracy</th>
          </tr>
        </thead>
        <tbody>
          {subsets.map((s) => (
            <tr
              key={s.key}
              data-subset={s.key}
              data-correlation={s.correlation ?? ''}
              data-accuracy={s.accuracy ?? ''}
            >
              <td title={s.note}>{s.title}</td>
              <td>{num(s.correlation)}</td>
              <td>{num(s.accuracy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {dims.length > 0 && (
        <>
          <h3>Per latent dimension</h3>
          <p className="muted small">
            The headline and the class statistics below are dimension 0&apos;s, as the reference reports them.
          </p>
          <table className="data" data-testid="scorecard-dimensions">
            <thead>
              <tr>
                <th>Dim</th>
                {dims[0]?.subsets.map((s) => (
                  <th key={s.key} colSpan={2}>
                    {s.title}: corr / acc
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {dims.map((d) => (
                <tr key={d.dim} data-dim={d.dim}>
                  <td>{d.dim}</td>
                  {d.subsets.flatMap((s) => [
                    <td key={`${s.key}-c`}>{num(s.correlation)}</td>,
                    <td key={`${s.key}-a`}>{num(s.accuracy)}</td>,
                  ])}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>By class</h3>
      <table className="data" data-testid="scorecard-classes">
        <thead>
          <tr>
            <th>Label</th>
            {CLASS_STATS.map((s) => (
              <th key={s}>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {classes.map((c) => (
            <tr key={c.key} data-label={c.key} data-mean={c.stats.mean ?? ''}>
              <td>{c.name}</td>
              {CLASS_STATS.map((s) => (
                <td key={s}>{s === 'n' ? (c.stats.n ?? '—') : num(c.stats[s])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {types.length > 0 && (
        <>
          <h3>By type</h3>
          <table className="data" data-testid="scorecard-types">
            <thead>
              <tr>
                <th>Type</th>
                <th>mean</th>
                <th>|mean|</th>
              </tr>
            </thead>
            <tbody>
              {types.map((t) => (
                <tr key={t.type}>
                  <td>{t.type}</td>
                  <td>{num(t.mean)}</td>
                  <td>{num(t.absMean)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
