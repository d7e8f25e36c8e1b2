import { useState } from 'react';
import { problemOf } from '../../api/problem';
import { useEncode } from '../../api/queries';
import { apiUrl, versionPath } from '../../api/http';
import { CopyCommand } from '../../components/CopyCommand';
import { Explain } from '../../components/Explain';
import { ProblemMessage } from '../../components/ProblemMessage';
import { curlCommand } from '../../lib/curl';
import { notSafetensorsReason } from '../../lib/safetensors-check';
import { apiOrigin } from '../../lib/use-origin';
import { useVersionContext } from '../model/version-context';
import { EncodedValues } from './EncodedValues';

export function EncodePage() {
  const { name, ref, version } = useVersionContext();
  const hasScale = typeof version.training?.input_scale === 'number';
  const [file, setFile] = useState<File | null>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const pick = (picked: File | null) => {
    setFile(picked);
    setFileProblem(null);
    // Checked from the first bytes here, so a PNG is named as such rather than by its "header length".
    if (picked) void notSafetensorsReason(picked).then(setFileProblem);
  };
  const [scale, setScale] = useState(hasScale ? 'auto' : '');
  const encode = useEncode(name, ref);
  const path = apiUrl(`${versionPath(name, ref)}/encode`, { input_scale: scale || undefined });

  return (
    <div className="encode">
      <Explain>
        <p>
          The encoder maps a gradient to the latent: <code>h = act_enc(W_enc · (s · g) + b_enc)</code>, where
          g is the base model’s gradient restricted to this version’s input dims (read from the safetensors
          file by parameter name) and s the input scale (training.input_scale with “auto”, else 1). The sign
          and size of h are what the GRADIEND learned to separate.
        </p>
      </Explain>
      <p>
        Upload a safetensors file of per-parameter gradients (keyed by base parameter name) and read the
        latent value
        {version.latent_dim > 1 ? 's' : ''}.
      </p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (file && !fileProblem) encode.mutate({ file, inputScale: scale });
        }}
      >
        <label className="field">
          Gradient file (.safetensors)
          <input
            type="file"
            accept=".safetensors"
            onChange={(e) => pick(e.target.files?.[0] ?? null)}
            aria-label="Gradient file"
          />
        </label>
        <label className="field">
          Input scale
          <select value={scale} onChange={(e) => setScale(e.target.value)} aria-label="Input scale">
            <option value="">none (1)</option>
            {hasScale && (
              <option value="auto">
                auto (training.input_scale = {String(version.training?.input_scale)})
              </option>
            )}
          </select>
        </label>
        <button type="submit" disabled={!file || fileProblem !== null || encode.isPending}>
          {encode.isPending ? 'Encoding…' : 'Encode'}
        </button>
      </form>
      {fileProblem && (
        <p className="hint" role="alert">
          {fileProblem}
        </p>
      )}
      {encode.isError && <ProblemMessage problem={problemOf(encode.error)} action="Encoding" />}
      {encode.data && <EncodedValues result={encode.data} context={version.gradient_context} />}
      <CopyCommand
        label="The same request with curl"
        command={curlCommand({
          origin: apiOrigin(),
          path,
          dataFile: { path: file?.name ?? 'gradients.safetensors', contentType: 'application/x-safetensors' },
        })}
      />
    </div>
  );
}
