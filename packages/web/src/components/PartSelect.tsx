import { PARTS, type Part } from '../api/contract';

export function PartSelect({ value, onChange }: { value: Part; onChange: (part: Part) => void }) {
  return (
    <label className="field">
      Importance part
      <select value={value} onChange={(e) => onChange(e.target.value as Part)} aria-label="Importance part">
        {PARTS.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}
