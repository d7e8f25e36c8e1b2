import type { ReactNode } from 'react';
import { problemOf } from '../api/problem';

export function Loading({ what }: { what: string }) {
  return (
    <p className="status status-loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="status status-empty">{children}</p>;
}

/** A failed request in plain words: the server's title, detail and code, not a stack trace. */
export function ErrorView({ error, what }: { error: unknown; what: string }) {
  const p = problemOf(error);
  return (
    <div className="status status-error" role="alert">
      <strong>
        Could not load {what}: {p.title}
        {p.status ? ` (${p.status})` : ''}
      </strong>
      {p.detail && <p className="problem-detail">{p.detail}</p>}
      {typeof p.code === 'string' && <code className="problem-code">{p.code}</code>}
    </div>
  );
}
