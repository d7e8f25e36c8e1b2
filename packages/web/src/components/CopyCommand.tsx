import { useState } from 'react';

/** A shell command with a copy button; the text stays selectable when the clipboard is unavailable. */
export function CopyCommand({ label, command }: { label: string; command: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(command).then(
      () => {
        setCopied(true);
        window.setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  };
  return (
    <div className="copy-command">
      <div className="copy-command-head">
        <span>{label}</span>
        <button type="button" onClick={copy} aria-label={`Copy: ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre>
        <code>{command}</code>
      </pre>
    </div>
  );
}
