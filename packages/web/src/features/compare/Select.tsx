/** A labelled select of a fixed list of values, optionally with display names. */
export function Select<T extends string>({
  label,
  value,
  values,
  onChange,
  disabled = false,
  names = {},
}: {
  label: string;
  value: T;
  values: readonly T[];
  onChange: (v: T) => void;
  disabled?: boolean;
  names?: Partial<Record<T, string>>;
}) {
  return (
    <label className="field">
      {label}
      <select
        value={value}
        aria-label={label}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {values.map((v) => (
          <option key={v} value={v}>
            {names[v] ?? v}
          </option>
        ))}
      </select>
    </label>
  );
}
