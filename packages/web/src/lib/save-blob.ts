/** Offers a Blob as a download under `file` (the browser's own save flow). */
export function saveBlob(blob: Blob, file: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has handed the URL to the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
