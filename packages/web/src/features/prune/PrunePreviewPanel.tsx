import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { AnsweredPreview } from '../../api/queries';
import type { PruneBody } from '../../api/contract';
import { Bar } from '../../components/Bar';
import { ProblemMessage } from '../../components/ProblemMessage';
import { problemOf } from '../../api/problem';
import { formatBytes, formatInt, formatPercent, formatValue } from '../../lib/format';
import { markRendered } from '../../lib/render-mark';

interface Props {
  preview: UseQueryResult<AnsweredPreview>;
  /** The preview answers exactly what the form says now (no edit waiting, no request in flight). */
  current: boolean;
}

/** "top-k 1%", "top-k 500", "importance ≥ 0.02": what a preview is for, so an old one is recognisable. */
export function describeSelection(body: PruneBody | null): string {
  if (!body) return '';
  const topk = body.topk;
  if (topk !== undefined) {
    if (typeof topk === 'object')
      return 'count' in topk ? `top-k ${formatInt(topk.count)}` : `top-k ${formatPercent(topk.fraction)}`;
    return `top-k ${String(topk)}`;
  }
  return body.threshold !== undefined ? `importance ≥ ${formatValue(body.threshold)}` : '';
}

export function PrunePreviewPanel({ preview, current }: Props) {
  const shown = preview.data !== undefined;
  useEffect(() => {
    if (current && shown) markRendered('prune-preview-current');
  }, [current, shown, preview.dataUpdatedAt]);
  if (preview.isError) return <ProblemMessage problem={problemOf(preview.error)} action="Preview" />;
  if (!preview.data)
    return (
      <p className="muted">
        {preview.isFetching ? 'Computing preview…' : 'Enter a top-k or threshold to preview.'}
      </p>
    );
  const p = preview.data.answer;
  const requested = preview.data.request;
  const kept = p.params.filter((x) => x.kept > 0).sort((a, b) => b.kept - a.kept);
  const stale = !current;
  return (
    <section
      className={`card prune-preview${stale ? ' stale' : ''}`}
      aria-busy={stale && preview.isFetching}
      data-testid="prune-preview"
      data-current={current}
      data-input-dim={p.input_dim}
      data-stored-after={p.stored_bytes_after}
    >
      <h2>
        Preview{' '}
        <span className="muted small" data-testid="preview-for">
          {preview.isPlaceholderData ? '(previous answer) ' : ''}
          for {describeSelection(requested)}, {requested.part ?? 'decoder-weight'}
        </span>
      </h2>
      {stale && (
        <p className="muted small" role="status">
          {preview.isFetching ? 'Computing the preview for your input…' : 'Not what the form says now.'}
        </p>
      )}
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
