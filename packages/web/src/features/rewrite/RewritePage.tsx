import { useEffect, useMemo } from 'react';
import { useBaseModels } from '../../api/queries';
import { problemOf } from '../../api/problem';
import { REWRITE_PARTS, type BaseModel, type RewriteEffectBody, type RewritePart } from '../../api/contract';
import { Explain } from '../../components/Explain';
import { JobProgress } from '../../components/JobProgress';
import { preloadPlot } from '../../components/Plot';
import { ProblemMessage } from '../../components/ProblemMessage';
import { ErrorView, Loading } from '../../components/Status';
import { CopyCommand } from '../../components/CopyCommand';
import { curlCommand } from '../../lib/curl';
import { formatBytes } from '../../lib/format';
import {
  contextClasses,
  hasInputScale,
  parsePointKey,
  pointKey,
  selectedPoint,
  candidateAt,
} from '../../lib/rewrite-grid';
import { apiOrigin } from '../../lib/use-origin';
import { useSearchEnum, useSearchState } from '../../lib/use-search-state';
import { useVersionContext } from '../model/version-context';
import { RewriteDownloads } from './RewriteDownloads';
import { RewriteEffectPlot } from './RewriteEffectPlot';
import { RewriteGridTable } from './RewriteGridTable';
import { RewriteSelection } from './RewriteSelection';
import { useRewriteEffect } from './use-rewrite-effect';

/** The base model to use: the one chosen in the URL, else the newest uploaded (not rewritten) one. */
function pickBase(items: readonly BaseModel[], chosen: string): BaseModel | null {
  return items.find((b) => b.id === chosen) ?? items.find((b) => b.lineage === null) ?? items[0] ?? null;
}

function classNumber(text: string): number | null {
  return /^[0-9]{1,6}$/.test(text.trim()) ? Number(text) : null;
}

export function RewritePage() {
  useEffect(preloadPlot, []);
  const { name, ref, version } = useVersionContext();
  const classes = contextClasses(version.gradient_context);
  const [targetText, setTarget] = useSearchState('target', String(classes?.[0] ?? 0));
  const [otherText, setOther] = useSearchState('other', String(classes?.[1] ?? 1));
  const [part, setPart] = useSearchEnum<RewritePart>('part', REWRITE_PARTS, 'decoder');
  const [baseChoice, setBaseChoice] = useSearchState('base', '');
  const [pointText, setPoint] = useSearchState('point', '');
  const bases = useBaseModels(version.base_model);
  const sweep = useRewriteEffect(name, ref);
  const scaleFromTraining = hasInputScale(version.training);

  const base = bases.data ? pickBase(bases.data.items, baseChoice) : null;
  const target = classNumber(targetText);
  const other = classNumber(otherText);
  const canSweep = base !== null && base.onnx !== null && base.test_set !== null;
  const body = useMemo<RewriteEffectBody | null>(
    () =>
      base && target !== null && other !== null && target !== other
        ? { target, other, part, base: base.id, scale_from_training: scaleFromTraining }
        : null,
    [base, target, other, part, scaleFromTraining],
  );

  const effect = sweep.result;
  // The point to rewrite at: the one picked in the table, else the strengthening choice.
  const picked = parsePointKey(pointText);
  const point =
    effect &&
    ((picked && candidateAt(effect, picked) ? picked : null) ??
      selectedPoint(effect, 'strengthen') ??
      selectedPoint(effect, 'weaken'));

  const origin = apiOrigin();
  return (
    <div className="rewrite">
      <Explain>
        <p>
          Rewriting changes the base model the GRADIEND was trained on: θ′ = θ + learning rate · u at the
          positions its param map covers, where u is decoder(feature factor) (part “decoder”, bias included)
          or one of the update vectors; every other weight stays as it is. The sign of the feature factor
          picks the direction.
        </p>
        <p>
          The sweep runs the base model’s ONNX graph with rewritten weights on its labeled test set for every
          learning rate × feature factor ±1 and reports, per true class, the mean probability of the target
          class, and the accuracy. The choice follows the reference: per direction the largest shift among the
          points that keep at least 99 % of the base model’s accuracy, otherwise the smallest learning rate.
          {scaleFromTraining &&
            ' This GRADIEND was trained on scaled gradients, so every learning rate is multiplied by training.json’s input_scale, as the reference’s demo does.'}
        </p>
      </Explain>
      {bases.isPending ? (
        <Loading what="base models" />
      ) : bases.isError ? (
        <ErrorView error={bases.error} what="base models" />
      ) : base === null ? (
        <div className="notice" data-testid="no-base-model">
          <p>
            No base model{version.base_model ? ` named ${version.base_model}` : ''} is registered. Upload its
            safetensors weights (and, for the sweep, its ONNX graph and a labeled test set):
          </p>
          <CopyCommand
            label="Upload the base model"
            command={curlCommand({
              origin,
              path: `/api/base-models?name=${encodeURIComponent(version.base_model ?? 'my-base-model')}`,
              dataFile: { path: 'model.safetensors', contentType: 'application/octet-stream' },
            })}
          />
        </div>
      ) : (
        <>
          <div className="toolbar card">
            <label className="field">
              Base model
              <select value={base.id} onChange={(e) => setBaseChoice(e.target.value)} aria-label="Base model">
                {(bases.data?.items ?? []).map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} {b.id.slice(0, 8)} ({formatBytes(b.size)})
                    {b.lineage
                      ? ` — rewritten by ${b.lineage.gradiend.name}@${b.lineage.gradiend.version}`
                      : ''}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Target class
              <input
                value={targetText}
                onChange={(e) => setTarget(e.target.value)}
                aria-label="Target class"
                aria-invalid={target === null}
                size={4}
              />
            </label>
            <label className="field">
              Other class
              <input
                value={otherText}
                onChange={(e) => setOther(e.target.value)}
                aria-label="Other class"
                aria-invalid={other === null || other === target}
                size={4}
              />
            </label>
            <label className="field">
              Part
              <select value={part} onChange={(e) => setPart(e.target.value as RewritePart)} aria-label="Part">
                {REWRITE_PARTS.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="primary"
              disabled={!body || !canSweep || sweep.start.isPending || sweep.running}
              onClick={() => body && sweep.start.mutate(body)}
            >
              {sweep.start.isPending || sweep.running ? 'Sweeping…' : 'Run the sweep'}
            </button>
          </div>
          {!canSweep && (
            <p className="hint" data-testid="sweep-needs">
              The sweep needs the base model’s ONNX graph and a labeled test set (attach them with PUT
              /api/base-models/{base.id.slice(0, 8)}…/onnx and …/test-set); rewriting works without them.
            </p>
          )}
          {target !== null && other !== null && target === other && (
            <p className="hint" role="alert">
              Target and other class must differ.
            </p>
          )}
          {sweep.start.isError && (
            <ProblemMessage problem={problemOf(sweep.start.error)} action="The sweep" />
          )}
          {sweep.jobId && <JobProgress jobId={sweep.jobId} label="Rewrite sweep" />}
          {sweep.resultError && <ErrorView error={sweep.resultError} what="the sweep result" />}
          {effect && (
            <section className="rewrite-result" data-testid="rewrite-result">
              <RewriteEffectPlot effect={effect} />
              <RewriteSelection effect={effect} />
              {point && (
                <RewriteDownloads
                  name={name}
                  version={version.version}
                  latentDim={version.latent_dim}
                  effect={effect}
                  point={point}
                  base={base}
                  scaleFromTraining={scaleFromTraining}
                />
              )}
              <RewriteGridTable effect={effect} selected={point} onSelect={(p) => setPoint(pointKey(p))} />
            </section>
          )}
        </>
      )}
    </div>
  );
}
