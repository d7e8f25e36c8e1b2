import { useState } from 'react';
import { problemOf } from '../../api/problem';
import { useDeleteAlias, useSetAlias } from '../../api/queries';
import type { ModelDetail } from '../../api/contract';
import { ProblemMessage } from '../../components/ProblemMessage';

export function AliasEditor({ model, current }: { model: ModelDetail; current: number }) {
  const setAlias = useSetAlias(model.name);
  const deleteAlias = useDeleteAlias(model.name);
  const [removing, setRemoving] = useState<string | null>(null);
  const [alias, setAliasName] = useState('');
  const aliases = Object.entries(model.aliases);
  return (
    <div className="aliases">
      <h3>Aliases</h3>
      <ul className="inline-list">
        <li>
          <span className="tag alias">latest</span> → v{model.latest_version ?? '—'}
        </li>
        {aliases.map(([name, version]) => (
          <li key={name}>
            <span className="tag alias">{name}</span> → v{version}{' '}
            {removing === name ? (
              <>
                <button
                  type="button"
                  className="danger"
                  disabled={deleteAlias.isPending}
                  onClick={() => deleteAlias.mutate(name, { onSuccess: () => setRemoving(null) })}
                >
                  Remove {name}
                </button>{' '}
                <button type="button" onClick={() => setRemoving(null)}>
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                className="link-button"
                aria-label={`Remove alias ${name}`}
                onClick={() => setRemoving(name)}
              >
                remove…
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAlias.mutate({ alias: alias.trim(), version: current }, { onSuccess: () => setAliasName('') });
        }}
      >
        <label className="field">
          Point alias at v{current}
          <input value={alias} onChange={(e) => setAliasName(e.target.value)} placeholder="champion" />
        </label>
        <button type="submit" disabled={alias.trim() === '' || setAlias.isPending}>
          Set alias
        </button>
      </form>
      {deleteAlias.isError && (
        <ProblemMessage problem={problemOf(deleteAlias.error)} action="Removing the alias" />
      )}
      {setAlias.isError && <ProblemMessage problem={problemOf(setAlias.error)} action="Setting the alias" />}
    </div>
  );
}
