import type { CompareResult } from '../../api/contract';
import { Bar } from '../../components/Bar';
import { formatInt } from '../../lib/format';

export function CompareResultView({ result: r }: { result: CompareResult }) {
  const params = r.params
    .filter((p) => p.a > 0 || p.b > 0)
    .sort((x, y) => Math.max(y.a, y.b) - Math.max(x.a, x.b));
  return (
    <div className="card" data-testid="compare-result" data-iou={r.iou}>
      <dl className="kv">
        <div>
          <dt>{r.a}</dt>
          <dd>{formatInt(r.size_a)} dims</dd>
        </div>
        <div>
          <dt>{r.b}</dt>
          <dd>{formatInt(r.size_b)} dims</dd>
        </div>
        <div>
          <dt>Overlap</dt>
          <dd>
            {formatInt(r.intersection)} shared of {formatInt(r.union)}
          </dd>
        </div>
        <div>
          <dt>IoU</dt>
          <dd data-testid="compare-iou">{r.iou.toFixed(4)}</dd>
        </div>
      </dl>
      <h2>Per parameter</h2>
      <table className="data-table" aria-label="Overlap per parameter">
        <thead>
          <tr>
            <th scope="col">Parameter</th>
            <th scope="col">A</th>
            <th scope="col">B</th>
            <th scope="col">Shared</th>
            <th scope="col">Shared / union</th>
          </tr>
        </thead>
        <tbody>
          {params.map((p) => {
            const union = p.a + p.b - p.intersection;
            return (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td className="num">{formatInt(p.a)}</td>
                <td className="num">{formatInt(p.b)}</td>
                <td className="num">{formatInt(p.intersection)}</td>
                <td className="coverage-cell">
                  <Bar
                    fraction={union > 0 ? p.intersection / union : 0}
                    label={`overlap in ${p.name}`}
                    tone="accent"
                  />
                  <span className="small" data-testid="param-iou">
                    {union > 0 ? (p.intersection / union).toFixed(3) : '—'}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
