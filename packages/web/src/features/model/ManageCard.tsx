import { useState } from 'react';
import { useNavigate } from 'react-router';
import { problemOf } from '../../api/problem';
import { useDeleteModel, useDeleteVersion } from '../../api/queries';
import type { ModelDetail, Problem, Version } from '../../api/contract';
import { ConfirmAction } from '../../components/ConfirmAction';
import { ProblemMessage } from '../../components/ProblemMessage';
import { versionRoute } from './version-context';

type Ref = { name: string; version: number };

/** The versions a 409 says derive from the one being deleted. */
function derivedOf(problem: Problem): Ref[] | null {
  if (problem.code !== 'GRADIEND_ERR_VERSION_HAS_DERIVED' || !Array.isArray(problem.derived)) return null;
  return problem.derived.filter(
    (d): d is Ref => typeof d === 'object' && d !== null && typeof (d as Ref).version === 'number',
  );
}

type Step =
  | { kind: 'idle' }
  | { kind: 'confirm-version' }
  | { kind: 'confirm-cascade'; derived: Ref[] }
  | { kind: 'confirm-model' };

/** Deleting a version (and, after a second confirmation, what derives from it) or the whole model. */
export function ManageCard({ model, version }: { model: ModelDetail; version: Version }) {
  const navigate = useNavigate();
  const remove = useDeleteVersion(model.name);
  const removeModel = useDeleteModel(model.name);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [error, setError] = useState<Problem | null>(null);
  const label = `${model.name} v${version.version}`;
  const cancel = () => setStep({ kind: 'idle' });

  const afterDelete = (deleted: Ref[]) => {
    setStep({ kind: 'idle' });
    const gone = new Set(deleted.filter((d) => d.name === model.name).map((d) => d.version));
    const left = model.versions.filter((v) => !gone.has(v.version));
    void navigate(left.length > 0 ? versionRoute(model.name, 'latest') : '/');
  };

  const deleteVersion = (cascade: boolean) => {
    setError(null);
    remove.mutate(
      { version: version.version, cascade },
      {
        onSuccess: (result) => afterDelete(result.deleted),
        onError: (e) => {
          const problem = problemOf(e);
          const derived = derivedOf(problem);
          if (derived) setStep({ kind: 'confirm-cascade', derived });
          else setError(problem);
        },
      },
    );
  };

  const deleteModel = () => {
    setError(null);
    removeModel.mutate(undefined, {
      onSuccess: () => {
        setStep({ kind: 'idle' });
        void navigate('/');
      },
      onError: (e) => setError(problemOf(e)),
    });
  };

  return (
    <div className="card manage" data-testid="manage">
      <h2>Manage</h2>
      {step.kind === 'idle' && (
        <div className="toolbar">
          <button type="button" className="danger" onClick={() => setStep({ kind: 'confirm-version' })}>
            Delete v{version.version}…
          </button>
          <button type="button" className="danger" onClick={() => setStep({ kind: 'confirm-model' })}>
            Delete model {model.name}…
          </button>
        </div>
      )}
      {step.kind === 'confirm-version' && (
        <ConfirmAction
          label={`Delete ${label}`}
          action={`Delete v${version.version}`}
          pending={remove.isPending}
          onConfirm={() => deleteVersion(false)}
          onCancel={cancel}
        >
          <p>
            Delete <strong>{label}</strong>? Its files go too unless another version shares them. This cannot
            be undone.
          </p>
        </ConfirmAction>
      )}
      {step.kind === 'confirm-cascade' && (
        <ConfirmAction
          label={`Delete ${label} and its derived versions`}
          action={`Delete v${version.version} and ${step.derived.length} derived version${step.derived.length === 1 ? '' : 's'}`}
          pending={remove.isPending}
          onConfirm={() => deleteVersion(true)}
          onCancel={cancel}
        >
          <p>
            Other versions derive from <strong>{label}</strong>; deleting it deletes them too:
          </p>
          <ul data-testid="derived-versions">
            {step.derived.map((d) => (
              <li key={`${d.name}@${d.version}`}>
                {d.name}@{d.version}
              </li>
            ))}
          </ul>
        </ConfirmAction>
      )}
      {step.kind === 'confirm-model' && (
        <ConfirmAction
          label={`Delete model ${model.name}`}
          action={`Delete model ${model.name}`}
          pending={removeModel.isPending}
          onConfirm={deleteModel}
          onCancel={cancel}
        >
          <p>
            Delete the model <strong>{model.name}</strong> with all {model.versions.length} version
            {model.versions.length === 1 ? '' : 's'}, and any versions other models derived from them? This
            cannot be undone.
          </p>
        </ConfirmAction>
      )}
      {error && <ProblemMessage problem={error} action="Deleting" />}
    </div>
  );
}
