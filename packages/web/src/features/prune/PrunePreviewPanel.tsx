import type { UseQueryResult } from '@tanstack/react-query';
import type { PrunePreview } from '../../api/types';
import { Bar } from '../../components/Bar';
import { ProblemMessage } from '../../components/ProblemMessage';
import { problemOf } from '../../api/problem';
import { formatBytes, formatInt, formatPercent } from '../../lib/format';

interface Props {
  preview: UseQueryResult<PrunePreview>;
  pending: boolean;
}

export function PrunePreviewPanel({ preview, pending }: Props) {
  if (preview.isError) return <ProblemMessage problem={problemOf(preview.error)} action="Preview" />;
  if (!preview.data)
    return (
      <p className="muted">
        {preview.isFetching ? 'Computing preview…' : 'Enter a top-k or threshold to preview.'}
      </p>
    );
  const p = preview.data;
  const kept = p.params.filter((x) => x.kept > 0).sort((a, b) => b.kept - a.kept);
  const stale = pending || preview.isFetching;
  return (
    <section
      className={`card prune-preview${stale ? ' stale' : ''}`}
      aria-busy={stale}
      data-testid="prune-preview"
      data-input-dim={p.input_dim}
      data-stored-after={p.stored_bytes_after}
    >
      {/* A preview for older inputs is never shown as current. */}
      <h2>Preview{stale ? ' (updating…)' : ''}</h2>
      <dl className="kv">
        <div>
          <dt>input_dim after</dt>
          <dd data-testid="preview-input-dim">
            {formatInt(p.input_dim)} of {formatInt(p.previous_input_dim)} (
            {formatPercent(p.input_dim / p.previous_input_dim)})
          </dd>
        </div>
        <div>
          <dt>Stored size (before → after)</dt>
          <dd data-testid="preview-stored-bytes">
            {formatBytes(p.stored_bytes_before)} → {formatBytes(p.stored_bytes_after)} (
            {formatPercent(p.stored_bytes_after / p.stored_bytes_before)})
          </dd>
        </div>
        <div>
          <dt>Parameters kept</dt>
          <dd>
            {kept.length} of {p.params.length}
          </dd>
        </div>
      </dl>
      <ol className="bar-list" aria-label="Kept per parameter">
        {kept.slice(0, 40).map((x) => (
          <li key={x.name}>
            <span className="bar-label" title={x.name}>
              {x.name}
            </span>
            <Bar
              fraction={x.previous > 0 ? x.kept / x.previous : 0}
              label={`kept of ${x.name}`}
              tone="accent"
            />
            <span className="bar-value">
              {formatInt(x.kept)} / {formatInt(x.previous)}
            </span>
          </li>
        ))}
      </ol>
      {kept.length > 40 && <p className="muted small">…and {kept.length - 40} more parameters.</p>}
    </section>
  );
}
