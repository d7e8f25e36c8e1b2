import type { SplitView } from './scorecard';

const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4));

/** How the class means agree across data splits (train / validation / test), when rows carry them. */
export function SplitGeneralization({ split }: { split: SplitView }) {
  return (
    <div className="card" data-testid="split-generalization">
      <h2>Split generalization</h2>
      <p className="muted small">
        Agreement {num(split.agreement)} (worst class {num(split.agreementWorst)}) between{' '}
        {split.compared.join(' and ')}: 1 means each class&apos;s mean encoding is the same on both splits.
        Shift is the difference of those means, SMD the same in standard deviations.
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>Class</th>
            {split.splits.map((s) => (
              <th key={s}>mean on {s}</th>
            ))}
            <th>agreement</th>
            <th>shift</th>
            <th>SMD</th>
          </tr>
        </thead>
        <tbody>
          {split.rows.map((r) => (
            <tr key={r.cls}>
              <td>{r.cls}</td>
              {split.splits.map((s) => (
                <td key={s}>{num(r.bySplit[s])}</td>
              ))}
              <td>{num(r.agreement)}</td>
              <td>{num(r.shift)}</td>
              <td>{num(r.smd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
