import { readSafetensorsHeaderLength } from '@gradiend/core';

/**
 * Whether a local file starts like a safetensors file (the core's header-length rule plus a JSON
 * object after it), read from its first bytes only. Returns a sentence for a person, or null.
 */
export async function notSafetensorsReason(file: Blob & { name?: string }): Promise<string | null> {
  const label = file.name ? `“${file.name}”` : 'This file';
  const head = await firstBytes(file, 9);
  try {
    readSafetensorsHeaderLength(head, file.size);
  } catch {
    return `${label} is not a safetensors file: its first bytes are not a safetensors header. Save the gradients with safetensors (save_file) and pick that file.`;
  }
  if (head[8] !== 0x7b) {
    return `${label} is not a safetensors file: its header is not a JSON object.`;
  }
  return null;
}

/** FileReader rather than Blob.arrayBuffer: it also exists in the test DOM (jsdom). */
function firstBytes(file: Blob, n: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsArrayBuffer(file.slice(0, n));
  });
}
