import type { RewriteEffect } from '../../api/contract';
import { formatProbability, type Direction } from '../../lib/rewrite-grid';

const TITLES: Record<Direction, (t: number, o: number) => string> = {
  strengthen: (t, o) => `Strengthen ${t}: push ${o}s toward ${t}`,
  weaken: (t) => `Weaken ${t}: push ${t}s away from ${t}`,
};

/** The point the reference's policy picks per direction, and why. */
export function RewriteSelection({ effect }: { effect: RewriteEffect }) {
  return (
    <div className="rewrite-selection">
      {(['strengthen', 'weaken'] as const).map((direction) => {
        const s = effect.selection[direction];
        return (
          <div
            key={direction}
            className="card"
            data-testid={`chosen-${direction}`}
            data-feature-factor={s.feature_factor}
            data-learning-rate={s.learning_rate ?? ''}
          >
            <h3>{TITLES[direction](effect.target, effect.other)}</h3>
            {s.learning_rate === null ? (
              <p>No point in this direction.</p>
            ) : (
              <p>
                feature factor <strong>{s.feature_factor}</strong>, learning rate{' '}
                <strong>{s.learning_rate}</strong>
                {s.metric !== null && (
                  <>
                    {' '}
                    (
                    {direction === 'strengthen'
                      ? `P(${effect.target}) on ${effect.other}s`
                      : `1 − P(${effect.target}) on ${effect.target}s`}{' '}
                    {formatProbability(s.metric)})
                  </>
                )}
              </p>
            )}
            <p className="muted small" data-testid={`reason-${direction}`}>
              Why: {s.reason}
            </p>
          </div>
        );
      })}
    </div>
  );
}
