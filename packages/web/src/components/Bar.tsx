/** A horizontal bar for a fraction in [0, 1], with the value as text for screen readers. */
export function Bar({
  fraction,
  label,
  tone = 'primary',
}: {
  fraction: number;
  label: string;
  tone?: string;
}) {
  const clamped = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  return (
    <span
      className="bar"
      role="meter"
      aria-valuemin={0}
      aria-valuemax={1}
      aria-valuenow={clamped}
      aria-label={label}
    >
      <span className={`bar-fill bar-${tone}`} style={{ width: `${clamped * 100}%` }} />
    </span>
  );
}
