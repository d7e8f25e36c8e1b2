import type { Version } from '../../api/contract';
import { formatBytes, formatInt, formatPercent } from '../../lib/format';

export function ArchitectureCard({ version: v }: { version: Version }) {
  const a = v.architecture;
  const rows: [string, string][] = [
    [
      'Input dim',
      `${formatInt(v.input_dim)} of ${formatInt(v.unpruned_length)} (${formatPercent(v.input_dim / v.unpruned_length)})`,
    ],
    ['Latent dim', String(a.latent_dim)],
    ['Encoder activation', a.activation_encoder],
    ['Decoder activation', a.activation_decoder],
    ['Encoder bias', a.bias_encoder === false ? 'no' : 'yes'],
    ['Decoder bias', a.bias_decoder ? 'yes' : 'no'],
    ['dtype', a.dtype],
    ['Parameters mapped', String(v.param_map.length)],
    ['Base model', v.base_model ?? '—'],
    ['Param map hash', v.param_map_hash],
    ['Stored size', formatBytes(v.total_bytes)],
  ];
  return (
    <div className="card">
      <h2>Architecture</h2>
      <dl className="kv">
        {rows.map(([k, val]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{val}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
