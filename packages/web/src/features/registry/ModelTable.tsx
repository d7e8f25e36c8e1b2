import { Link } from 'react-router';
import type { Model } from '../../api/contract';
import { formatDate, formatInt, formatPercent } from '../../lib/format';

export function ModelTable({ models }: { models: Model[] }) {
  return (
    <table className="data-table" aria-label="Models">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Tags</th>
          <th scope="col">Input dims (kept / unpruned)</th>
          <th scope="col">Latent</th>
          <th scope="col">Base model</th>
          <th scope="col">Versions</th>
          <th scope="col">Last change</th>
        </tr>
      </thead>
      <tbody>
        {models.map((m) => {
          const v = m.latest;
          return (
            <tr key={m.name} data-model={m.name}>
              <td>
                <Link to={`/models/${encodeURIComponent(m.name)}/v/latest`}>{m.name}</Link>
                {m.description && <div className="muted small">{m.description}</div>}
              </td>
              <td>
                {m.tags.map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
              </td>
              <td className="num" data-testid="dims">
                {v ? (
                  <>
                    {formatInt(v.input_dim)} / {formatInt(v.unpruned_length)}
                    <span className="muted small"> ({formatPercent(v.input_dim / v.unpruned_length)})</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td className="num">{v ? v.latent_dim : '—'}</td>
              <td>{v?.base_model ?? '—'}</td>
              <td className="num">{m.version_count}</td>
              <td>{formatDate(m.updated_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
