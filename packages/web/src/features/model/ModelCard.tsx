import { useMemo } from 'react';
import { useVersionText } from '../../api/queries';
import type { Version } from '../../api/contract';
import { ErrorView, Loading } from '../../components/Status';
import { renderMarkdown } from '../../lib/markdown';

/** The checkpoint's own README.md, if it was uploaded with it, rendered as sanitised HTML. */
export function ModelCard({ version }: { version: Version }) {
  const file = version.files.find((f) => f.name.toLowerCase() === 'readme.md')?.name ?? null;
  const text = useVersionText(version.name, String(version.version), file);
  const html = useMemo(() => (text.data === undefined ? '' : renderMarkdown(text.data)), [text.data]);
  return (
    <div className="card model-card">
      <h2>Model card</h2>
      {file === null ? (
        <p className="muted">
          No README.md was uploaded with this version; add one to the checkpoint folder to show it here.
        </p>
      ) : text.isPending ? (
        <Loading what="README.md" />
      ) : text.isError ? (
        <ErrorView error={text.error} what="README.md" />
      ) : (
        // Sanitised by DOMPurify in renderMarkdown.
        <div className="markdown" data-testid="model-card" dangerouslySetInnerHTML={{ __html: html }} />
      )}
    </div>
  );
}
