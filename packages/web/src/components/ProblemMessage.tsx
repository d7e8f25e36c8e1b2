import type { Problem } from '../api/contract';
import { plainSummary, withoutPaths } from '../lib/plain-problem';

const EXTRA_KEYS = ['file', 'tensor', 'param', 'rule'] as const;

/** A problem+json document as a person reads it: what went wrong, why, and where. */
export function ProblemMessage({ problem, action }: { problem: Problem; action: string }) {
  const extras = EXTRA_KEYS.flatMap((key) => {
    const value = problem[key];
    return typeof value === 'string' ? [[key, value] as const] : [];
  });
  const summary = plainSummary(problem);
  return (
    <div className="problem" role="alert">
      <strong>
        {action} failed: {problem.title}
        {problem.status > 0 ? ` (HTTP ${problem.status})` : ''}
      </strong>
      {summary && <p className="problem-summary">{summary}</p>}
      {problem.detail && (
        <p className="problem-detail">
          {summary ? 'Server detail: ' : ''}
          {withoutPaths(problem.detail)}
        </p>
      )}
      {extras.length > 0 && (
        <dl className="problem-extras">
          {extras.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {typeof problem.code === 'string' && <code className="problem-code">{problem.code}</code>}
    </div>
  );
}
