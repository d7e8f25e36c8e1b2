/** The "k" input shared by the top-k and compare views: count, fraction or percent, as typed. */
export function TopkField({
  value,
  onChange,
  valid,
}: {
  value: string;
  onChange: (text: string) => void;
  valid: boolean;
}) {
  return (
    <label className="field">
      k (count, fraction or percent)
      <input value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!valid} aria-label="k" />
    </label>
  );
}

/** The reason a typed k was refused, announced to screen readers. */
export function TopkError({ error }: { error: string | null }) {
  if (error === null) return null;
  return (
    <p className="hint" role="alert">
      {error}
    </p>
  );
}
