import type { ReactNode } from 'react';

/**
 * An inline confirmation for a destructive action: what will happen, the action's button (disabled
 * while it runs) and Cancel.
 */
export function ConfirmAction({
  label,
  action,
  pending,
  onConfirm,
  onCancel,
  children,
}: {
  /** The dialog's accessible name, e.g. "Delete m v2". */
  label: string;
  /** The confirming button's text. */
  action: ReactNode;
  pending: boolean;
  onConfirm(): void;
  onCancel(): void;
  /** What confirming does, in plain words. */
  children: ReactNode;
}) {
  return (
    <div className="confirm" role="alertdialog" aria-label={label}>
      {children}
      <div className="toolbar">
        <button type="button" className="danger" disabled={pending} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
