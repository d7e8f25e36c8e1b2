import { Link } from 'react-router';
import type { ParamRow, Part } from '../../api/contract';
import { Bar } from '../../components/Bar';
import { formatBytes, formatInt, formatPercent, formatShape, formatValue } from '../../lib/format';
import { rowsByLayer } from '../../lib/layer-groups';
import { parseSort, type ParamSortKey } from '../../lib/param-table';
import { versionRoute } from '../model/version-context';

const COLUMNS: [ParamSortKey, string][] = [
  ['name', 'Name'],
  ['numel', 'Shape'],
  ['selected', 'Selected / numel'],
  ['coverage', 'Coverage'],
  ['stored_bytes', 'Stored'],
  ['importance_sum', 'Importance sum'],
  ['importance_mean', 'Importance mean'],
  ['importance_max', 'Importance max'],
];

interface Props {
  rows: ParamRow[];
  /** Show the rows under one header per layer (each layer's rows keep the table's sort). */
  grouped?: boolean;
  sort: string;
  onSort: (sort: string) => void;
  name: string;
  refName: string;
  part: Part;
}

export function ParamTable({ rows, grouped = false, sort, onSort, name, refName, part }: Props) {
  const current = parseSort(sort);
  const toggle = (key: ParamSortKey) => {
    // Numbers usually want the largest first; names alphabetical.
    if (current.key !== key) onSort(key === 'name' ? key : `-${key}`);
    else onSort(current.desc ? key : `-${key}`);
  };
  return (
    <table
      className="data-table params-table"
      aria-label="Parameters"
      data-testid="params-table"
      data-rows={rows.length}
    >
      <thead>
        <tr>
          {COLUMNS.map(([key, label]) => (
            <th
              key={key}
              scope="col"
              aria-sort={current.key === key ? (current.desc ? 'descending' : 'ascending') : 'none'}
            >
              <button type="button" className="sort-button" onClick={() => toggle(key)}>
                {label}
                {current.key === key ? (current.desc ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          ))}
          <th scope="col">Repr</th>
        </tr>
      </thead>
      {grouped ? (
        rowsByLayer(rows).map(({ group, rows: members }) => (
          <tbody key={group.prefix} data-layer={group.prefix}>
            <tr className="group-row">
              <th scope="rowgroup" colSpan={2}>
                {group.prefix} <span className="muted small">({group.params} parameters)</span>
              </th>
              <td className="num">
                {formatInt(group.selected)} / {formatInt(group.numel)}
              </td>
              <td className="coverage-cell">
                <span className="small">
                  {formatPercent(group.numel > 0 ? group.selected / group.numel : 0)}
                </span>
              </td>
              <td />
              <td className="num">{formatValue(group.importanceSum)}</td>
              <td className="num">
                {formatValue(group.selected > 0 ? group.importanceSum / group.selected : null)}
              </td>
              <td colSpan={2} className="small muted">
                {formatPercent(group.mass)} of the importance
              </td>
            </tr>
            {members.map((r) => (
              <ParamRowView key={r.name} row={r} name={name} refName={refName} part={part} />
            ))}
          </tbody>
        ))
      ) : (
        <tbody>
          {rows.map((r) => (
            <ParamRowView key={r.name} row={r} name={name} refName={refName} part={part} />
          ))}
        </tbody>
      )}
    </table>
  );
}

function ParamRowView({
  row: r,
  name,
  refName,
  part,
}: {
  row: ParamRow;
  name: string;
  refName: string;
  part: Part;
}) {
  return (
    <tr data-param={r.name}>
      <td className="param-name">
        <Link
          to={`${versionRoute(name, refName, 'heatmap')}?param=${encodeURIComponent(r.name)}&part=${part}`}
        >
          {r.name}
        </Link>
      </td>
      <td>{formatShape(r.shape)}</td>
      <td className="num">
        {formatInt(r.selected)} / {formatInt(r.numel)}
      </td>
      <td className="coverage-cell">
        <Bar fraction={r.coverage} label={`coverage of ${r.name}`} />
        <span className="small">{formatPercent(r.coverage)}</span>
      </td>
      <td className="num">{formatBytes(r.stored_bytes)}</td>
      <td className="num">{formatValue(r.importance_sum)}</td>
      <td className="num">{formatValue(r.importance_mean)}</td>
      <td className="num">{formatValue(r.importance_max)}</td>
      <td>{r.repr}</td>
    </tr>
  );
}
