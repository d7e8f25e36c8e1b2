import { useMutation } from '@tanstack/react-query';
import { apiUrl, postJsonForBlob, sendJson, versionPath } from '../../api/http';
import { problemOf } from '../../api/problem';
import type { BaseModel, RewriteEffect } from '../../api/contract';
import { CopyCommand } from '../../components/CopyCommand';
import { ProblemMessage } from '../../components/ProblemMessage';
import { curlCommand } from '../../lib/curl';
import { formatBytes } from '../../lib/format';
import { rewriteBodyAt, type GridPoint } from '../../lib/rewrite-grid';
import { saveBlob } from '../../lib/save-blob';
import { apiOrigin } from '../../lib/use-origin';

interface Props {
  readonly name: string;
  readonly version: number;
  readonly latentDim: number;
  readonly effect: RewriteEffect;
  readonly point: GridPoint;
  readonly base: BaseModel;
  readonly scaleFromTraining: boolean;
}

/** The base model rewritten at one grid point: stored (then downloaded) or as a sparse patch, and the curl lines. */
export function RewriteDownloads({
  name,
  version,
  latentDim,
  effect,
  point,
  base,
  scaleFromTraining,
}: Props) {
  const path = `${versionPath(name, version)}/rewrite`;
  const bodyFor = (output: 'model' | 'patch') =>
    rewriteBodyAt(effect, point, { latentDim, base: base.id, scaleFromTraining, output });
  const stem = `${base.name}+${name}-v${version}-ff${point.featureFactor}-lr${point.learningRate}`;
  const store = useMutation({
    mutationFn: () => sendJson<BaseModel>('POST', apiUrl(path), bodyFor('model')),
  });
  const patch = useMutation({
    mutationFn: async () =>
      saveBlob(await postJsonForBlob(apiUrl(path), bodyFor('patch')), `${stem}.patch.safetensors`),
  });
  const origin = apiOrigin();
  const stored = store.data;
  // A result for another point is not shown as this one's.
  const storedHere =
    stored?.lineage &&
    stored.lineage.learning_rate === point.learningRate &&
    stored.lineage.feature_factor[0] === point.featureFactor
      ? stored
      : null;
  return (
    <div
      className="card rewrite-downloads"
      data-testid="rewrite-downloads"
      data-point={`${point.featureFactor}@${point.learningRate}`}
    >
      <h3>
        Rewrite at feature factor {point.featureFactor}, learning rate {point.learningRate}
      </h3>
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => store.mutate()} disabled={store.isPending}>
          {store.isPending ? 'Rewriting…' : 'Store the rewritten model'}
        </button>
        <button type="button" onClick={() => patch.mutate()} disabled={patch.isPending}>
          {patch.isPending ? 'Computing the patch…' : 'Download the sparse patch'}
        </button>
      </div>
      {store.isError && <ProblemMessage problem={problemOf(store.error)} action="Rewriting" />}
      {patch.isError && <ProblemMessage problem={problemOf(patch.error)} action="The patch" />}
      {storedHere && (
        <div className="success" data-testid="rewritten-model">
          Stored as base model <code>{storedHere.id.slice(0, 12)}</code> ({formatBytes(storedHere.size)}):{' '}
          {storedHere.downloads.weights !== undefined ? (
            <a href={storedHere.downloads.weights} download={`${stem}.safetensors`}>
              download the rewritten weights
            </a>
          ) : (
            // A sharded base stays sharded: its files, each a download.
            <ul className="inline-list">
              {Object.entries(storedHere.downloads.files ?? {}).map(([file, href]) => (
                <li key={file}>
                  <a href={href} download={file}>
                    {file}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <CopyCommand
        label="Store the rewritten model (answers the new base model, with its download link)"
        command={curlCommand({ origin, path: apiUrl(path), json: bodyFor('model') })}
      />
      <CopyCommand
        label="Download the sparse patch"
        command={curlCommand({
          origin,
          path: apiUrl(path),
          json: bodyFor('patch'),
          output: `${stem}.patch.safetensors`,
        })}
      />
      {storedHere?.downloads.weights !== undefined && (
        <CopyCommand
          label="Download the rewritten weights"
          command={curlCommand({ origin, path: storedHere.downloads.weights, output: `${stem}.safetensors` })}
        />
      )}
    </div>
  );
}
