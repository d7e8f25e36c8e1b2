import { useAudit } from '../../api/queries';
import { ErrorView, Loading } from '../../components/Status';
import { formatDate } from '../../lib/format';

function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/** The model's recent audit entries: who uploaded, pruned, aliased or deleted what. */
export function AuditCard({ model }: { model: string }) {
  const audit = useAudit(model);
  return (
    <div className="card">
      <h2>Activity</h2>
      {audit.isPending ? (
        <Loading what="activity" />
      ) : audit.isError ? (
        <ErrorView error={audit.error} what="the audit log (it needs an admin token when auth is on)" />
      ) : (
        <table className="data-table" aria-label="Activity" data-testid="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Version</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.items.map((e) => (
              <tr key={e.id} data-action={e.action} data-version={e.version ?? ''}>
                <td>{formatDate(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td className="num">{e.version ?? '—'}</td>
                <td className="small">{describe(e.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
