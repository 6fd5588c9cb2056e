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
    <DialogShell
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      width="30rem"
      action={
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
      }
    >
      <AlertDialog.Description asChild>
        <div className="mb-5 text-dim">{description}</div>
      </AlertDialog.Description>
    </DialogShell>
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
    <DialogShell
      open={open}
      onOpenChange={(next) => !busy && onOpenChange(next)}
      title={title}
      width="32rem"
      cancelDisabled={busy}
      action={
        <Button variant="danger" disabled={busy || confirmDisabled} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      }
    >
      <AlertDialog.Description className="mb-3 text-dim">{description}</AlertDialog.Description>
      {children}
      {error !== undefined ? (
        <p role="alert" className="mt-2 mb-1 text-err">
          {error}
        </p>
      ) : null}
    </DialogShell>
  );
}

// whole class names, so the stylesheet build finds them
const WIDTHS = { '30rem': 'w-[min(92vw,30rem)]', '32rem': 'w-[min(92vw,32rem)]' } as const;

/** Both dialogs' frame: overlay, panel, title, the body, then Cancel and the dialog's own action. */
function DialogShell({ open, onOpenChange, title, width, cancelDisabled = false, action, children }: { open: boolean; onOpenChange: (open: boolean) => void; title: string; width: keyof typeof WIDTHS; cancelDisabled?: boolean; action: ReactNode; children: ReactNode }) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/70" />
        <AlertDialog.Content className={`fixed top-1/2 left-1/2 z-50 ${WIDTHS[width]} -translate-x-1/2 -translate-y-1/2 border border-line-strong bg-panel p-5 shadow-2xl`}>
          <AlertDialog.Title className="mb-2 text-[1.05em] font-semibold text-fg">{title}</AlertDialog.Title>
          {children}
          {/* mt-4 collapses into the confirm question's mb-5 */}
          <div className="mt-4 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="ghost" disabled={cancelDisabled}>
                Cancel
              </Button>
            </AlertDialog.Cancel>
            {action}
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
