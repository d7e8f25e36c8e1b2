import { useEffect, useState } from 'react';
import { problemOf } from '../../api/problem';
import { useUpdateModel } from '../../api/queries';
import type { ModelDetail } from '../../api/contract';
import { ProblemMessage } from '../../components/ProblemMessage';

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

/** Description and tags of the model (shared by all its versions). */
export function ModelMetaEditor({ model }: { model: ModelDetail }) {
  const update = useUpdateModel(model.name);
  const [description, setDescription] = useState(model.description);
  const [tags, setTags] = useState(model.tags.join(', '));
  useEffect(() => {
    setDescription(model.description);
    setTags(model.tags.join(', '));
  }, [model.description, model.tags]);
  const dirty = description !== model.description || parseTags(tags).join(',') !== model.tags.join(',');

  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        update.mutate({ description, tags: parseTags(tags) });
      }}
    >
      <h2>Description and tags</h2>
      <label className="field field-block">
        Description
        <textarea value={description} rows={4} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field field-block">
        Tags (comma-separated)
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <button type="submit" disabled={!dirty || update.isPending}>
        {update.isPending ? 'Saving…' : 'Save'}
      </button>
      {update.isSuccess && !dirty && <span className="success"> Saved.</span>}
      {update.isError && <ProblemMessage problem={problemOf(update.error)} action="Saving" />}
    </form>
  );
}
