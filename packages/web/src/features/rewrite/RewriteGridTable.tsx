import type { RewriteEffect } from '../../api/contract';
import {
  chosenFor,
  formatProbability,
  guardCutoff,
  keepsAccuracy,
  meanP,
  pointKey,
  type EffectCandidate,
  type GridPoint,
} from '../../lib/rewrite-grid';

interface Props {
  readonly effect: RewriteEffect;
  readonly selected: GridPoint | null;
  readonly onSelect: (point: GridPoint) => void;
}

/**
 * Every grid point as a row: the values as plotted, each row carrying them at full precision in
 * data attributes (what the end-to-end test compares with the reference).
 */
export function RewriteGridTable({ effect, selected, onSelect }: Props) {
  const t = effect.target;
  const o = effect.other;
  const cutoff = guardCutoff(effect);
  const row = (c: EffectCandidate) => {
    const point = { featureFactor: c.feature_factor, learningRate: c.learning_rate };
    const key = pointKey(point);
    const chosen = chosenFor(effect, point);
    const keeps = keepsAccuracy(effect, c);
    const isSelected = selected !== null && pointKey(selected) === key;
    return (
      <tr
        key={key}
        data-point={key}
        data-feature-factor={c.feature_factor}
        data-learning-rate={c.learning_rate}
        data-p-target={meanP(c, t)}
        data-p-other={meanP(c, o)}
        data-accuracy={c.accuracy}
        data-guard={keeps ? 'pass' : 'fail'}
        data-chosen={chosen.join(' ')}
        className={isSelected ? 'selected' : undefined}
      >
        <td>
          <input
            type="radio"
            name="rewrite-point"
            checked={isSelected}
            onChange={() => onSelect(point)}
            aria-label={`Use feature factor ${c.feature_factor}, learning rate ${c.learning_rate}`}
          />
        </td>
        <td className="num">{c.feature_factor > 0 ? `+${c.feature_factor}` : c.feature_factor}</td>
        <td className="num">{c.learning_rate}</td>
        <td className="num">{formatProbability(meanP(c, t))}</td>
        <td className="num">{formatProbability(meanP(c, o))}</td>
        <td className="num">{formatProbability(c.accuracy)}</td>
        <td className={keeps ? 'success' : 'hint'}>{keeps ? 'yes' : 'no'}</td>
        <td>{chosen.join(', ')}</td>
      </tr>
    );
  };
  return (
    <table className="data-table rewrite-grid" data-testid="rewrite-grid">
      <caption className="muted small">
        Mean P({t}) per true class and accuracy on the test set; “keeps accuracy” means ≥{' '}
        {effect.accuracy_guard * 100} % of the base’s {formatProbability(effect.base.accuracy)} (≥{' '}
        {formatProbability(cutoff)}).
        {effect.input_scale !== 1 &&
          ` Learning rates as requested; the rewrite multiplies them by input_scale ${effect.input_scale}.`}
      </caption>
      <thead>
        <tr>
          <th>Use</th>
          <th className="num">Feature factor</th>
          <th className="num">Learning rate</th>
          <th className="num">
            P({t}) on {t}s
          </th>
          <th className="num">
            P({t}) on {o}s
          </th>
          <th className="num">Accuracy</th>
          <th>Keeps accuracy</th>
          <th>Chosen</th>
        </tr>
      </thead>
      <tbody>
        <tr
          data-point="base"
          data-p-target={meanP(effect.base, t)}
          data-p-other={meanP(effect.base, o)}
          data-accuracy={effect.base.accuracy}
        >
          <td />
          <td colSpan={2}>base model (not rewritten)</td>
          <td className="num">{formatProbability(meanP(effect.base, t))}</td>
          <td className="num">{formatProbability(meanP(effect.base, o))}</td>
          <td className="num">{formatProbability(effect.base.accuracy)}</td>
          <td />
          <td />
        </tr>
        {effect.candidates.map(row)}
      </tbody>
    </table>
  );
}
