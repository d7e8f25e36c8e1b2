import type { EncodeResult } from '../../api/contract';
import { formatValue } from '../../lib/format';

type JsonRecord = Record<string, unknown>;

/** Which class a latent sign points to, from gradient_context.feature_class_encoding_direction ({"3": 1, "8": -1}). */
export function classForSign(context: JsonRecord | null, value: number): string | null {
  const dirs = context?.feature_class_encoding_direction;
  if (!dirs || typeof dirs !== 'object' || value === 0) return null;
  const sign = Math.sign(value);
  const match = Object.entries(dirs as Record<string, unknown>).find(
    ([, d]) => typeof d === 'number' && Math.sign(d) === sign,
  );
  return match ? match[0] : null;
}

export function EncodedValues({ result, context }: { result: EncodeResult; context: JsonRecord | null }) {
  const first = result.encoded[0] ?? [];
  return (
    <section className="card" aria-label="Encoded latent">
      <h2>Latent</h2>
      <ol className="latent-list">
        {first.map((v, i) => {
          const cls = result.latent_dim === 1 ? classForSign(context, v) : null;
          return (
            <li key={i} data-testid="latent-value" data-value={v} data-sign={v > 0 ? '+' : v < 0 ? '-' : '0'}>
              <span className="latent-number">{formatValue(v)}</span>{' '}
              <span className="muted">sign {v > 0 ? 'positive' : v < 0 ? 'negative' : 'zero'}</span>
              {cls !== null && <span className="tag">points to class {cls}</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
