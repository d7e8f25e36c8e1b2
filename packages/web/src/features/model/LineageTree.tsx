import { Link } from 'react-router';
import type { Version } from '../../api/contract';
import { buildLineage, type LineageNode } from '../../lib/lineage';
import { formatDate, formatInt } from '../../lib/format';
import { versionRoute } from './version-context';

function describeArgs(args: Record<string, unknown> | null): string {
  if (!args) return '';
  return Object.entries(args)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

function Node({ node, current }: { node: LineageNode<Version>; current: number }) {
  const v = node.version;
  const external = v.parent && v.parent.name !== v.name ? v.parent : null;
  return (
    <li>
      <div
        className={`lineage-node${v.version === current ? ' lineage-current' : ''}`}
        data-version={v.version}
      >
        <Link to={versionRoute(v.name, v.version)}>v{v.version}</Link>{' '}
        <span className="op">{v.operation}</span>
        {describeArgs(v.operation_args) && (
          <span className="muted small"> ({describeArgs(v.operation_args)})</span>
        )}
        <span className="muted small">
          {' '}
          · {formatInt(v.input_dim)} dims · {formatDate(v.created_at)} by {v.created_by}
        </span>
        {v.aliases.map((a) => (
          <span key={a} className="tag alias">
            {a}
          </span>
        ))}
        {v.parent && (
          <Link
            className="small compare-parent"
            to={`/compare?a=${encodeURIComponent(`${v.parent.name}@${v.parent.version}`)}&b=${encodeURIComponent(`${v.name}@${v.version}`)}`}
          >
            {' '}
            compare with parent
          </Link>
        )}
        {external && (
          <span className="small">
            {' '}
            from{' '}
            <Link
              to={versionRoute(external.name, external.version)}
            >{`${external.name}@${external.version}`}</Link>
          </span>
        )}
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Node key={child.version.version} node={child} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Which version was pruned from which, with the operation's arguments. */
export function LineageTree({ versions, current }: { versions: Version[]; current: number }) {
  return (
    <ul className="lineage" aria-label="Lineage">
      {buildLineage(versions).map((node) => (
        <Node key={node.version.version} node={node} current={current} />
      ))}
    </ul>
  );
}
