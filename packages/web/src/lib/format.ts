// Powers of 1024, so the IEC names (a "GB" label on 1024³ bytes would overstate nothing but mislead).
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

/** Importance values span many decades: 4 significant digits, exponent form when tiny or huge. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs < 1e-3 || abs >= 1e6 ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
}

export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toPrecision(2)}%`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? '[]' : `[${shape.join(' × ')}]`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
