import { useMemo } from 'react';
import { topkUrl, useTopk } from '../../api/queries';
import { PARTS, type Part } from '../../api/contract';
import { CopyCommand } from '../../components/CopyCommand';
import { Explain } from '../../components/Explain';
import { PartSelect } from '../../components/PartSelect';
import { Empty, ErrorView, Loading } from '../../components/Status';
import { curlCommand } from '../../lib/curl';
import { formatValue } from '../../lib/format';
import { parseTopk } from '../../lib/parse-topk';
import { apiOrigin } from '../../lib/use-origin';
import { useDebounced } from '../../lib/use-debounced';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { TopkError, TopkField } from '../../components/TopkField';

const SHOWN_ROWS = 1000;

export function TopkPage() {
  const { name, ref } = useVersionContext();
  const [part, setPart] = useSearchEnum<Part>('part', PARTS, 'decoder-weight');
  const [kText, setKText] = useSearchState('k', '100');
  const typed = parseTopk(kText);
  const debounced = useDebounced(kText, 250);
  const parsed = useMemo(() => parseTopk(debounced), [debounced]);
  const k = parsed.ok ? parsed.query : null;
  const topk = useTopk(name, ref, part, k);
  // Offer downloads only for a k the view shows: valid as typed and not refused by the server.
  const offerDownloads = k !== null && typed.ok && debounced === kText && !topk.isError;

  return (
    <div className="topk">
      <Explain>
        <p>
          The k input dims with the largest importance (of the part chosen here), each with the base-model
          parameter and coordinates it reads. <em>Local index</em>: its position in this version’s input
          vector; <em>base-global index</em>: its position in the unpruned parameter space, the same for every
          version over that base model. k is a count (500), a fraction (0.01) or a percentage (1%, 100% = all)
          of this version’s input_dim; the table lists at most 100,000 rows.
        </p>
      </Explain>
      <div className="toolbar">
        <PartSelect value={part} onChange={setPart} />
        <TopkField value={kText} onChange={setKText} valid={typed.ok} />
        {offerDownloads && (
          <span className="downloads">
            <a href={topkUrl(name, ref, part, k, 'csv')} download={`${name}-v${ref}-top${k}.csv`}>
              Download CSV
            </a>{' '}
            <a href={topkUrl(name, ref, part, k, 'json')} download={`${name}-v${ref}-top${k}.json`}>
              Download JSON
            </a>
          </span>
        )}
      </div>
      <TopkError error={typed.ok ? null : typed.error} />
      {offerDownloads && (
        <CopyCommand
          label="This table as CSV"
          command={curlCommand({ origin: apiOrigin(), path: topkUrl(name, ref, part, k, 'csv') })}
        />
      )}
      {k === null ? null : topk.isPending ? (
        <Loading what="top-k" />
      ) : topk.isError ? (
        <ErrorView error={topk.error} what="top-k" />
      ) : topk.data.items.length === 0 ? (
        <Empty>No dims.</Empty>
      ) : (
        <>
          <table className="data-table" aria-label="Top-k input dims">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Importance</th>
                <th scope="col">Parameter</th>
                <th scope="col">Coordinates</th>
                <th scope="col">Flat index</th>
                <th scope="col">Local index</th>
                <th scope="col">Base-global index</th>
              </tr>
            </thead>
            <tbody>
              {topk.data.items.slice(0, SHOWN_ROWS).map((r) => (
                <tr key={r.rank}>
                  <td className="num">{r.rank}</td>
                  <td className="num">{formatValue(r.importance)}</td>
                  <td>{r.param}</td>
                  <td>[{r.coords.join(', ')}]</td>
                  <td className="num">{r.flat_index}</td>
                  <td className="num">{r.local_index}</td>
                  <td className="num">{r.base_global_index}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {topk.data.items.length > SHOWN_ROWS && (
            <p className="muted small">
              Showing {SHOWN_ROWS} of {topk.data.items.length} rows; the downloads have all of them.
            </p>
          )}
        </>
      )}
    </div>
  );
}
