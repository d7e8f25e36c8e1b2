import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router';
import { problemOf } from '../../api/problem';
import {
  uploadVersion,
  type UploadedVersion,
  type UploadProgress,
  type UploadSource,
} from '../../api/upload';
import type { Problem } from '../../api/contract';
import { ProblemMessage } from '../../components/ProblemMessage';
import { filesFromDrop, filesFromInput, folderProblem, sourceFromFiles } from '../../lib/drop-files';
import { formatBytes } from '../../lib/format';
import { MODEL_NAME_RE, slugify } from '../../lib/slug';

type State =
  | { phase: 'idle' }
  | { phase: 'uploading'; progress: UploadProgress | null }
  | { phase: 'done'; version: UploadedVersion }
  | { phase: 'failed'; problem: Problem };

function describe(source: UploadSource): string {
  if (source.kind === 'archive') return `archive ${source.file.name} (${formatBytes(source.file.size)})`;
  const bytes = source.files.reduce((n, f) => n + f.file.size, 0);
  return `${source.files.length} files (${source.files.map((f) => f.path).join(', ')}; ${formatBytes(bytes)})`;
}

export function UploadPanel() {
  const client = useQueryClient();
  const [source, setSource] = useState<UploadSource | null>(null);
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);

  const accept = (files: { path: string; file: File }[]) => {
    const picked = sourceFromFiles(files);
    if (!picked) return;
    setSource(picked.source);
    if (!name && picked.name) setName(slugify(picked.name));
    setState({ phase: 'idle' });
  };

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    accept(await filesFromDrop(event.dataTransfer));
  };

  const start = async (copy = false) => {
    if (!source) return;
    abort.current = new AbortController();
    setState({ phase: 'uploading', progress: null });
    try {
      const version = await uploadVersion(
        { model: name, source, tags, copy },
        (progress) => setState({ phase: 'uploading', progress }),
        abort.current.signal,
      );
      setState({ phase: 'done', version });
      // A duplicate keeps the selection so "upload as a copy" can send it again.
      if (!version.duplicate) setSource(null);
      void client.invalidateQueries({ queryKey: ['models'] });
      void client.invalidateQueries({ queryKey: ['model', version.name] });
    } catch (error) {
      setState({ phase: 'failed', problem: problemOf(error) });
    }
  };

  const nameOk = MODEL_NAME_RE.test(name);
  const sourceProblem = source?.kind === 'files' ? folderProblem(source.files) : null;
  const progress = state.phase === 'uploading' ? state.progress : null;

  return (
    <section className="upload" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload a checkpoint</h2>
      <div
        className={`dropzone${dragging ? ' dropzone-active' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <p>Drop a checkpoint folder or a .tar / .tar.gz / .zip archive here, or pick:</p>
        <label className="file-button">
          Archive or files
          <input
            type="file"
            multiple
            onChange={(e) => accept(filesFromInput(e.target.files))}
            aria-label="Choose archive or checkpoint files"
          />
        </label>
        <label className="file-button">
          Folder
          <input
            type="file"
            // @ts-expect-error webkitdirectory is a non-standard attribute React passes through
            webkitdirectory=""
            onChange={(e) => accept(filesFromInput(e.target.files))}
            aria-label="Choose checkpoint folder"
          />
        </label>
        {source && <p className="selected-source">Selected: {describe(source)}</p>}
        {sourceProblem && (
          <p className="hint" role="alert">
            {sourceProblem}
          </p>
        )}
      </div>
      <div className="toolbar">
        <label className="field">
          Model name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="my-gradiend"
            aria-invalid={name !== '' && !nameOk}
          />
        </label>
        <label className="field">
          Tags (comma-separated)
          <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="bert,gender" />
        </label>
        <button
          type="button"
          disabled={!source || !nameOk || sourceProblem !== null || state.phase === 'uploading'}
          onClick={() => void start()}
        >
          Upload
        </button>
        {state.phase === 'uploading' && (
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        )}
      </div>
      {name !== '' && !nameOk && (
        <p className="hint">
          A model name is lowercase letters, digits, “.”, “_” or “-”, starting with a letter or digit.
        </p>
      )}
      {state.phase === 'uploading' && (
        <div className="upload-progress">
          <progress max={progress?.total ?? 1} value={progress?.loaded ?? 0} aria-label="Upload progress" />
          <span>
            {progress
              ? `${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}${progress.loaded === progress.total ? ' — validating…' : ''}`
              : 'starting…'}
          </span>
        </div>
      )}
      {state.phase === 'done' && state.version.duplicate && (
        <div className="notice" role="status" data-testid="upload-duplicate">
          <p>
            These files are already{' '}
            <Link to={`/models/${encodeURIComponent(state.version.name)}/v/${state.version.version}`}>
              {state.version.name} v{state.version.version}
            </Link>{' '}
            (same names and SHA-256): nothing new was stored.
          </p>
          <button type="button" onClick={() => void start(true)} disabled={!source}>
            Upload as a new version anyway
          </button>
        </div>
      )}
      {state.phase === 'done' && !state.version.duplicate && (
        <p className="success" role="status">
          Uploaded{' '}
          <Link to={`/models/${encodeURIComponent(state.version.name)}/v/${state.version.version}`}>
            {state.version.name} v{state.version.version}
          </Link>
          .
        </p>
      )}
      {state.phase === 'failed' && <ProblemMessage problem={state.problem} action="Upload" />}
    </section>
  );
}
