import type { LayerGroup } from '../../lib/layer-groups';
import { Bar } from '../../components/Bar';
import { formatPercent, formatValue } from '../../lib/format';

/** Share of the importance mass per layer, as bars scaled to the largest layer. */
export function LayerMassChart({ groups }: { groups: LayerGroup[] }) {
  const top = Math.max(...groups.map((g) => g.mass), 0);
  return (
    <figure className="card layer-mass">
      <figcaption>Importance mass per layer</figcaption>
      <ol className="bar-list" aria-label="Importance mass per layer">
        {groups.map((g) => (
          <li key={g.prefix} data-layer={g.prefix} data-mass={g.mass}>
            <span className="bar-label" title={g.prefix}>
              {g.prefix} <span className="muted small">({g.params})</span>
            </span>
            <Bar fraction={top > 0 ? g.mass / top : 0} label={`importance mass of ${g.prefix}`} />
            <span className="bar-value">
              {formatPercent(g.mass)} <span className="muted small">Σ {formatValue(g.importanceSum)}</span>
            </span>
          </li>
        ))}
      </ol>
    </figure>
  );
}
