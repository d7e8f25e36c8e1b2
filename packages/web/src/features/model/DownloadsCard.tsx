import { apiUrl, versionPath } from '../../api/http';
import type { Version } from '../../api/contract';
import { CopyCommand } from '../../components/CopyCommand';
import { curlCommand } from '../../lib/curl';
import { apiOrigin } from '../../lib/use-origin';

export function DownloadsCard({ version: v }: { version: Version }) {
  const base = versionPath(v.name, v.version);
  const stem = `${v.name}-v${v.version}`;
  const links: [string, string, string][] = [
    ['Archive (.tar.gz)', apiUrl(`${base}/archive`, { format: 'tar.gz' }), `${stem}.tar.gz`],
    ['Archive (.zip)', apiUrl(`${base}/archive`, { format: 'zip' }), `${stem}.zip`],
    ['Encoder (ONNX)', apiUrl(`${base}/onnx/encoder`), `${stem}-encoder.onnx`],
    ['Decoder (ONNX)', apiUrl(`${base}/onnx/decoder`), `${stem}-decoder.onnx`],
  ];
  const origin = apiOrigin();
  return (
    <div className="card">
      <h2>Download</h2>
      <ul className="inline-list">
        {links.map(([label, href, file]) => (
          <li key={label}>
            <a href={href} download={file}>
              {label}
            </a>
          </li>
        ))}
      </ul>
      <CopyCommand label="This version's metadata" command={curlCommand({ origin, path: apiUrl(base) })} />
      <CopyCommand
        label="Download the archive"
        command={curlCommand({ origin, path: links[0]?.[1] ?? '', output: `${stem}.tar.gz` })}
      />
      <CopyCommand
        label="Encode a gradient file"
        command={curlCommand({
          origin,
          path: apiUrl(`${base}/encode`),
          dataFile: { path: 'gradients.safetensors', contentType: 'application/x-safetensors' },
        })}
      />
    </div>
  );
}
