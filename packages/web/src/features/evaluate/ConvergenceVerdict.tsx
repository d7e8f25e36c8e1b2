import type { EvaluationResponse } from '../../api/contract';
import { verdictChecks } from './scorecard';

/** The trainer's convergence verdict on this set, each criterion with its threshold and value. */
export function ConvergenceVerdict({ evaluation }: { evaluation: EvaluationResponse }) {
  const { converged, reason } = evaluation.convergence;
  const checks = verdictChecks(evaluation);
  return (
    <div className="card" data-testid="convergence" data-converged={converged}>
      <h2>
        Convergence:{' '}
        <span className={converged ? 'ok' : 'bad'}>{converged ? 'converged' : 'not converged'}</span>
      </h2>
      <p className="muted small">
        The trainer calls a GRADIEND converged when its encoder separates the two target classes: the
        correlation of encodings with labels is strong, both class means are far from 0, and they lie on
        opposite sides of it. All three must hold.
      </p>
      <ul className="checks">
        {checks.map((c) => (
          <li key={c.id} data-check={c.id} data-pass={c.pass}>
            {c.pass ? '✓' : '✗'} {c.rule}: {c.value}
          </li>
        ))}
      </ul>
      {reason && <p className="note">{reason}</p>}
    </div>
  );
}
