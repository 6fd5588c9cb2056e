// Confirmation before anything that moves or stops money: stop, cancel-all, kill, delete,
// switching a bot to live, closing a position. Built on Radix AlertDialog (focus trap, Escape, labelled roles).
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useState } from 'react';
import type { ReactNode } from 'react';
import { Button } from './button.tsx';
import type { ButtonVariant } from './button.tsx';

export interface ConfirmProps {
  readonly title: string;
  readonly description: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void | Promise<unknown>;
  readonly danger?: boolean;
}

export function ConfirmDialog({ open, onOpenChange, title, description, confirmLabel, onConfirm, danger = true }: ConfirmProps & { open: boolean; onOpenChange: (open: boolean) => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/70" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(92vw,30rem)] -translate-x-1/2 -translate-y-1/2 border border-line-strong bg-panel p-5 shadow-2xl">
          <AlertDialog.Title className="mb-2 text-[1.05em] font-semibold text-fg">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mb-5 text-dim">{description}</div>
          </AlertDialog.Description>
          <div className="flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="ghost">Cancel</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button
                variant={danger ? 'danger' : 'primary'}
                disabled={busy}
                onClick={async (e) => {
                  e.preventDefault();
                  setBusy(true);
                  try {
                    await onConfirm();
                  } finally {
                    setBusy(false);
                    onOpenChange(false);
                  }
                }}
              >
                {confirmLabel}
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

/** A button that asks first. */
export function ConfirmButton({ children, variant = 'default', size, disabled, ariaLabel, ...confirm }: ConfirmProps & { children: ReactNode; variant?: ButtonVariant; size?: 'sm' | 'md'; disabled?: boolean; ariaLabel?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant={variant} size={size} disabled={disabled} aria-label={ariaLabel} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <ConfirmDialog open={open} onOpenChange={setOpen} {...confirm} />
    </>
  );
}

export interface FormDialogProps {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly title: string;
  /** The question, above the dialog's own fields. */
  readonly description: ReactNode;
  /** The request is in flight: the dialog neither closes nor sends again. */
  readonly busy: boolean;
  /** The server's refusal; the dialog stays open with it. */
  readonly error: string | undefined;
  readonly confirmLabel: string;
  readonly confirmDisabled: boolean;
  readonly onConfirm: () => void;
  readonly children?: ReactNode;
}

/** A confirmation with fields of its own (a choice, a slippage bound) whose action may be refused and stays to say why. */
export function FormDialog({ open, onOpenChange, title, description, busy, error, confirmLabel, confirmDisabled, onConfirm, children }: FormDialogProps) {
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !busy && onOpenChange(next)}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/70" />
        <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(92vw,32rem)] -translate-x-1/2 -translate-y-1/2 border border-line-strong bg-panel p-5 shadow-2xl">
          <AlertDialog.Title className="mb-2 text-[1.05em] font-semibold text-fg">{title}</AlertDialog.Title>
          <AlertDialog.Description className="mb-3 text-dim">{description}</AlertDialog.Description>
          {children}
          {error !== undefined ? (
            <p role="alert" className="mt-2 mb-1 text-err">
              {error}
            </p>
          ) : null}
          <div className="mt-4 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="ghost" disabled={busy}>
                Cancel
              </Button>
            </AlertDialog.Cancel>
            <Button variant="danger" disabled={busy || confirmDisabled} onClick={onConfirm}>
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
