import { useEffect, useState, type ReactNode } from 'react';
import { problemOf } from '../api/problem';

/** Seconds since mount, ticking once a second. */
function useElapsedSeconds(): number {
  const [started] = useState(() => Date.now());
  const [now, setNow] = useState(started);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.floor((now - started) / 1000);
}

/**
 * A pending request. After a second it shows the elapsed time: the first analysis of a large
 * version (importance and its summary) is computed once per part and then cached.
 */
export function Loading({ what }: { what: string }) {
  const seconds = useElapsedSeconds();
  return (
    <p className="status status-loading" role="status" aria-live="polite">
      Loading {what}…
      {seconds >= 1 && (
        <span className="muted small" data-testid="loading-elapsed">
          {' '}
          {seconds} s — a version's first analysis is computed once, then cached
        </span>
      )}
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
