import type { UploadSource } from '../api/upload';

const ARCHIVE_RE = /\.(tar|tar\.gz|tgz|zip)$/i;

export function isArchiveName(name: string): boolean {
  return ARCHIVE_RE.test(name);
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(
  entry: FileSystemEntry,
  prefix: string,
  out: { path: string; file: File }[],
): Promise<void> {
  if (entry.isFile) {
    out.push({ path: `${prefix}${entry.name}`, file: await entryFile(entry as FileSystemFileEntry) });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call; keep reading until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** Strips the dropped folder's own name so paths are relative to the checkpoint folder. */
export function stripCommonFolder(
  files: readonly { path: string; file: File }[],
): { path: string; file: File }[] {
  const firstSegments = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')));
  const [only] = [...firstSegments];
  if (firstSegments.size !== 1 || !only) return [...files];
  return files.map((f) => ({ ...f, path: f.path.slice(only.length + 1) }));
}

/**
 * What a drop or file picker holds: one archive, or the files of a checkpoint folder (a dropped
 * folder, or files picked together). `name` suggests a model name.
 */
export function sourceFromFiles(files: readonly { path: string; file: File }[]): {
  source: UploadSource;
  name: string;
} | null {
  const [first] = files;
  if (!first) return null;
  if (files.length === 1 && isArchiveName(first.file.name)) {
    return { source: { kind: 'archive', file: first.file }, name: first.file.name };
  }
  const folder = first.path.includes('/') ? (first.path.split('/')[0] ?? '') : '';
  return { source: { kind: 'files', files: stripCommonFolder(files) }, name: folder };
}

/** Files from a drop, walking dropped folders (Chromium's webkitGetAsEntry). */
export async function filesFromDrop(data: DataTransfer): Promise<{ path: string; file: File }[]> {
  const entries = [...data.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return [...data.files].map((file) => ({ path: file.name, file }));
  const out: { path: string; file: File }[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** Files from an <input type=file>, using webkitRelativePath when a folder was picked. */
export function filesFromInput(list: FileList | null): { path: string; file: File }[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Why a picked set of files cannot be a checkpoint folder, checked before any byte is sent (a
 * BERT-scale folder is 1.3 GB); null when it may be one. The server still validates everything.
 */
export function folderProblem(files: readonly { path: string }[]): string | null {
  const names = files.map((f) => f.path.split('/').pop() ?? '');
  if (!names.includes('config.json')) {
    return 'This folder has no config.json. A GRADIEND checkpoint folder holds config.json next to its weights (model.safetensors or pytorch_model.bin); pick that folder or an archive of it.';
  }
  return null;
}
