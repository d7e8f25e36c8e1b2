import { openAsBlob } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export async function getJson<T>(base: string, url: string): Promise<T> {
  const res = await fetch(`${base}${url}`);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Uploads a checkpoint folder through the public API (files streamed from disk). */
export async function uploadFolder(base: string, model: string, dir: string): Promise<{ version: number }> {
  const form = new FormData();
  for (const name of (await readdir(dir)).sort()) {
    form.append('files', await openAsBlob(path.join(dir, name)), name);
  }
  const res = await fetch(`${base}/api/models/${model}/versions`, { method: 'POST', body: form });
  if (res.status !== 201) throw new Error(`upload of ${model}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { version: number };
}
