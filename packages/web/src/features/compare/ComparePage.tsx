import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCompare } from '../../api/queries';
import { PARTS, type Part, type Version } from '../../api/contract';
import { Explain } from '../../components/Explain';
import { PartSelect } from '../../components/PartSelect';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { formatInt, formatPercent } from '../../lib/format';
import { approxKept, parseTopk } from '../../lib/parse-topk';
import { useDebounced } from '../../lib/use-debounced';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import { CompareResultView } from './CompareResultView';
import { CrossEncodingCompare } from './CrossEncodingCompare';
import { MatrixCompare } from './MatrixCompare';
import { useVersionRefs } from './use-version-refs';
import { TopkError, TopkField } from '../../components/TopkField';

function RefSelect({
  label,
  value,
  refs,
  onChange,
}: {
  label: string;
  value: string;
  refs: string[];
  onChange: (v: string) => void;
}) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label={label}>
        <option value="">choose a version</option>
        {refs.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}

/** 1 % of the smaller version, as a count both selections use. */
export function defaultCompareK(a: Version, b: Version): number {
  return Math.max(1, Math.ceil(Math.min(a.input_dim, b.input_dim) * 0.01));
}

/** Why two versions cannot overlap: different base models or parameter spaces; null when they can. */
export function differentBase(a: Version, b: Version): string | null {
  if (a.base_model && b.base_model && a.base_model !== b.base_model) {
    return `${a.name}@${a.version} is over ${a.base_model}, ${b.name}@${b.version} over ${b.base_model}.`;
  }
  if (a.unpruned_length !== b.unpruned_length) {
    return `${a.name}@${a.version} selects from ${formatInt(a.unpruned_length)} base parameters, ${b.name}@${b.version} from ${formatInt(b.unpruned_length)}.`;
  }
  return null;
}

/** The two-version view: top-k overlap with per-parameter bars (the lineage's "compare with parent"). */
function PairCompare() {
  const [a, setA] = useSearchState('a', '');
  const [b, setB] = useSearchState('b', '');
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const { refs, byRef, pending } = useVersionRefs();
  const va = byRef.get(a);
  const vb = byRef.get(b);
  // The default is a count, the same for both: a fraction is taken of each version's own input_dim,
  // so a version and its 1 % prune would compare 1 % of A with 1 % of 1 % of A.
  const defaultK = va && vb ? String(defaultCompareK(va, vb)) : '100';
  const [kText, setKText] = useSearchState('k', defaultK);
  const debounced = useDebounced(kText, 250);
  const parsed = useMemo(() => parseTopk(debounced), [debounced]);
  const settled = debounced === kText && (!a || !b || (va !== undefined && vb !== undefined));
  const compare = useCompare(a, b, part, parsed.ok && settled ? parsed.query : null);
  const fraction = parsed.ok && 'fraction' in parsed.spec ? parsed.spec.fraction : null;
  const otherBase = va && vb ? differentBase(va, vb) : null;

  return (
    <>
      <p className="muted">Overlap of the two versions’ top-k selections in base-parameter space.</p>
      <Explain>
        <p>
          Each version’s k most important dims are mapped to base-model coordinates (parameter and index) and
          intersected: IoU = shared / union. A count k selects the same number from both; a fraction or
          percentage is taken of each version’s own input_dim, so a version and its 1 % prune select different
          numbers of dims. Versions over different base models share no coordinates, so their overlap is 0 by
          construction.
        </p>
      </Explain>
      <div className="toolbar">
        <RefSelect label="Version A" value={a} refs={refs} onChange={setA} />
        <RefSelect label="Version B" value={b} refs={refs} onChange={setB} />
        <PartSelect value={part} onChange={setPart} />
        <TopkField value={kText} onChange={setKText} valid={parseTopk(kText).ok} />
      </div>
      <TopkError error={parsed.ok ? null : parsed.error} />
      {fraction !== null && va && vb && (
        <p className="note" data-testid="fraction-note">
          k = {formatPercent(fraction)} is taken of each version’s own input_dim:{' '}
          {formatInt(approxKept(parsed.ok ? parsed.spec : { fraction }, va.input_dim))} dims of {a} but{' '}
          {formatInt(approxKept({ fraction }, vb.input_dim))} of {b}. Give a count (e.g.{' '}
          {formatInt(defaultCompareK(va, vb))}) to compare selections of the same size.
        </p>
      )}
      {otherBase && (
        <p className="status status-error" role="alert" data-testid="base-warning">
          {otherBase} They share no base-parameter coordinates, so their overlap is 0 whatever they learned.
        </p>
      )}
      {pending && <Loading what="versions" />}
      {!a || !b ? (
        <Empty>Choose two versions.</Empty>
      ) : compare.isPending ? (
        <Loading what="comparison" />
      ) : compare.isError ? (
        <ErrorView error={compare.error} what="comparison" />
      ) : (
        <CompareResultView result={compare.data} />
      )}
    </>
  );
}

const VIEWS = ['pair', 'matrix', 'cross'] as const;
type View = (typeof VIEWS)[number];
const VIEW_NAMES: Record<View, string> = {
  pair: 'Two versions',
  matrix: 'Similarity matrix',
  cross: 'Cross-encoding',
};
const TITLES: Record<View, string> = {
  pair: 'Compare two versions',
  matrix: 'Compare many versions',
  cross: 'Cross-encoding of labeled sets',
};

export function ComparePage() {
  const [view] = useSearchEnum('view', VIEWS, 'pair');
  const [params] = useSearchParams();
  // Each view keeps only its own settings: switching starts the other from its defaults.
  const link = (to: View) => (to === 'pair' ? '/compare' : `/compare?view=${to}`);
  return (
    <section className="compare">
      <h1>{TITLES[view]}</h1>
      <nav className="tabs" aria-label="Compare views">
        {VIEWS.map((v) => (
          <Link
            key={v}
            to={view === v ? `/compare?${params.toString()}` : link(v)}
            className={view === v ? 'active' : undefined}
            aria-current={view === v ? 'page' : undefined}
          >
            {VIEW_NAMES[v]}
          </Link>
        ))}
      </nav>
      {view === 'matrix' ? <MatrixCompare /> : view === 'cross' ? <CrossEncodingCompare /> : <PairCompare />}
    </section>
  );
}
