import { useState } from 'react';
import { problemOf } from '../../api/problem';
import { ProblemMessage } from '../../components/ProblemMessage';
import { useUploadLabeledSet } from './use-labeled-sets';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Upload a labeled gradient set in this version's input space: a manifest plus gradient files. */
export function LabeledSetUpload({
  model,
  version,
  onUploaded,
}: {
  model: string;
  version: string;
  onUploaded: (set: string) => void;
}) {
  const upload = useUploadLabeledSet(model);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [manifest, setManifest] = useState<File | null>(null);
  const [gradients, setGradients] = useState<File[]>([]);
  const nameOk = NAME.test(name);
  const ready = nameOk && manifest !== null && gradients.length > 0 && !upload.isPending;
  return (
    <form
      className="card labeled-set-upload"
      aria-label="Upload a labeled set"
      onSubmit={(e) => {
        e.preventDefault();
        if (!manifest) return;
        upload.mutate(
          { name, version, description, manifest, gradients },
          { onSuccess: (set) => onUploaded(set.name) },
        );
      }}
    >
      <h2>Upload a labeled set</h2>
      <p className="muted small">
        Gradients in v{version}&apos;s input space (or its base parameter space): one per-parameter
        safetensors file per sample, keyed by base parameter names as <code>encode</code> takes them, or one
        batched <code>[N, input_dim]</code> file. The manifest (CSV or JSON) gives each sample&apos;s{' '}
        <code>file</code> or <code>row</code>, <code>label</code> (+1 / −1 for the target classes, 0 for
        identity / neutral) and optionally <code>type</code>, <code>source_id</code>, <code>target_id</code>,{' '}
        <code>data_split</code>.
      </p>
      <div className="toolbar">
        <label className="field">
          Set name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="digits-test"
            aria-invalid={name !== '' && !nameOk}
          />
        </label>
        <label className="field">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label className="field">
          Manifest
          <input
            type="file"
            accept=".json,.csv"
            aria-label="Manifest"
            onChange={(e) => setManifest(e.target.files?.[0] ?? null)}
          />
        </label>
        <label className="field">
          Gradients
          <input
            type="file"
            multiple
            accept=".safetensors"
            aria-label="Gradients"
            onChange={(e) => setGradients([...(e.target.files ?? [])])}
          />
        </label>
        <button type="submit" disabled={!ready}>
          {upload.isPending ? 'Uploading…' : 'Upload set'}
        </button>
      </div>
      {name !== '' && !nameOk && (
        <p className="hint" role="alert">
          A set name is a lowercase slug: letters, digits, &quot;.&quot;, &quot;_&quot;, &quot;-&quot;.
        </p>
      )}
      {upload.isError && <ProblemMessage problem={problemOf(upload.error)} action="Labeled set upload" />}
    </form>
  );
}
