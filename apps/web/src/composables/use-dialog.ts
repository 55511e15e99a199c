import { nextTick, onBeforeUnmount, ref, shallowRef, watch } from 'vue';

const FOCUSABLE =
  '[autofocus], input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), ' +
  'button:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

export interface DialogOptions {
  /** Called after the dialog closed (Escape, a cancel button or `close()`), before focus goes back. */
  onClose?: () => void;
}

/**
 * One modal `<dialog>`: `showModal()` makes the rest of the page inert (focus stays inside), Escape closes it, the first
 * field (or `[autofocus]`) gets focus, and on close focus returns to the control that opened it. Render it with
 * `<AppDialog :dialog="…">`, which binds `el` and the aria attributes.
 */
export function useDialog(options: DialogOptions = {}) {
  const el = shallowRef<HTMLDialogElement | null>(null);
  const isOpen = ref(false);
  let returnTo: HTMLElement | null = null;

  /** Opens the dialog; pass the click event (or the element) so focus can go back to it afterwards. */
  function open(trigger?: Event | HTMLElement | null) {
    const from = trigger instanceof Event ? trigger.currentTarget : trigger;
    returnTo =
      from instanceof HTMLElement
        ? from
        : document.activeElement instanceof HTMLElement
          ? document.activeElement
          : null;
    isOpen.value = true;
    if (el.value && !el.value.open) el.value.showModal();
    // The content renders while open: focus its first field once it is there.
    void nextTick(focusFirst);
  }

  /** Moves focus to the first field (e.g. after the content changed from a form to its result). */
  function focusFirst() {
    const first = el.value?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? el.value)?.focus();
  }

  function close() {
    if (!isOpen.value) return;
    isOpen.value = false;
    if (el.value?.open) el.value.close();
    options.onClose?.();
    const target = returnTo;
    returnTo = null;
    if (target?.isConnected) target.focus();
  }

  // Escape fires `cancel`: close through our own path so state, callback and focus return stay in step.
  const onCancel = (e: Event) => {
    e.preventDefault();
    close();
  };
  watch(el, (now, before) => {
    before?.removeEventListener('cancel', onCancel);
    now?.addEventListener('cancel', onCancel);
    if (now && isOpen.value && !now.open) now.showModal();
  });
  onBeforeUnmount(() => el.value?.removeEventListener('cancel', onCancel));

  return { el, isOpen, open, close, focusFirst };
}

export type DialogController = ReturnType<typeof useDialog>;
