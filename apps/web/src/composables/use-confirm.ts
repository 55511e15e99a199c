import { shallowRef, type Ref } from 'vue';
import { useDialog } from './use-dialog';

/**
 * A destructive action behind a confirmation (delete, revoke): `ask(item, ev)` keeps what is about to go as `subject`,
 * clears the action's last error and opens the dialog; closing it forgets the subject (and focus goes back to the
 * button that asked). The action's busy flag and error are the dialog's. Render it with `<ConfirmDialog :flow="…">`.
 */
export function useConfirm<T>(action: { busy: Ref<boolean>; error: Ref<string | null>; reset: () => void }) {
  const subject = shallowRef<T | null>(null);
  const dialog = useDialog({ onClose: () => (subject.value = null) });
  function ask(item: T, ev: Event) {
    subject.value = item;
    action.reset();
    dialog.open(ev);
  }
  return { subject, dialog, ask, close: dialog.close, busy: action.busy, error: action.error };
}

/** What `<ConfirmDialog>` reads of a `useConfirm`. */
export interface ConfirmFlow {
  dialog: ReturnType<typeof useDialog>;
  subject: Readonly<Ref<unknown>>;
  busy: Readonly<Ref<boolean>>;
  error: Readonly<Ref<string | null>>;
}
