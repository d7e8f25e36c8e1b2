function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every path under one of the server's `roots` (its data dir, temp dir, working dir) in
 * a client-facing message with its last segment — the file's name inside the checkpoint. Where the
 * server keeps its data is no business of the client's; URL paths are left alone.
 */
export function redactPaths(text: string, roots: readonly string[]): string {
  let out = text;
  for (const root of [...new Set(roots)].filter((r) => r.length > 1).sort((a, b) => b.length - a.length)) {
    const pattern = new RegExp(
      `${escape(root.replace(/[/\\]+$/, ''))}(?:[/\\\\][^\\s'"\`:,;()<>/\\\\]+)*`,
      'g',
    );
    out = out.replace(pattern, (match) => match.split(/[/\\]/).pop() || '…');
  }
  return out;
}
