import type { Version } from '../../api/contract';
import { refOf, spaceLabel, spaceOf, tagGroups } from './matrix-request';
import { Select } from './Select';

export const ROW_MODES = ['versions', 'seeds'] as const;
export type RowMode = (typeof ROW_MODES)[number];

/** Versions grouped by the base parameter space they map (only those compare), in registry order. */
function bySpace(versions: readonly Version[]): { label: string; versions: Version[] }[] {
  const spaces = new Map<string, { label: string; versions: Version[] }>();
  for (const v of versions) {
    const key = spaceOf(v);
    const space = spaces.get(key) ?? { label: spaceLabel(v), versions: [] };
    space.versions.push(v);
    spaces.set(key, space);
  }
  return [...spaces.values()];
}

/** Checkboxes of what becomes a matrix's rows: versions, or tags (seed groups), per parameter space. */
export function RowPicker({
  mode,
  versions,
  picked,
  onChange,
}: {
  mode: RowMode;
  versions: readonly Version[];
  picked: readonly string[];
  onChange: (next: string[]) => void;
}) {
  const toggle = (item: string, on: boolean) =>
    onChange(on ? [...picked, item] : picked.filter((p) => p !== item));
  return (
    <div className="matrix-picker">
      {bySpace(versions).map((space) => {
        const items =
          mode === 'versions'
            ? space.versions.map((v) => ({ item: refOf(v), note: v.tags.join(', ') }))
            : [...tagGroups(space.versions)].map(([tag, refs]) => ({
                item: tag,
                note: `${refs.length} version${refs.length === 1 ? '' : 's'}: ${refs.join(', ')}`,
              }));
        return (
          <fieldset key={space.label} className="card" data-testid="matrix-space">
            <legend>{space.label}</legend>
            {items.length === 0 && <p className="muted">No tagged versions.</p>}
            {items.map(({ item, note }) => (
              <label key={item} className="field-inline">
                <input
                  type="checkbox"
                  checked={picked.includes(item)}
                  onChange={(e) => toggle(item, e.target.checked)}
                />
                {item}
                {note && <span className="muted small"> {note}</span>}
              </label>
            ))}
          </fieldset>
        );
      })}
    </div>
  );
}

/** What the rows are: single versions or tags as seed groups; switching clears the picked rows. */
export function RowModeSelect({ mode, onChange }: { mode: RowMode; onChange: (mode: RowMode) => void }) {
  return (
    <Select
      label="Rows"
      value={mode}
      values={ROW_MODES}
      onChange={onChange}
      names={{ versions: 'single versions', seeds: 'tags as seed groups' }}
    />
  );
}
