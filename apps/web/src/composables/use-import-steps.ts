import { ref, shallowRef } from 'vue';
import { useAction } from './use-async';

/**
 * An import in two steps, as every import page has it: `check` (a dry run into `preview`), then `commit` (the real
 * run into `result`, allowed only after a preview that `clean` accepts, or — `partial`, where the import offers it —
 * after any preview: the server writes the valid rows only). `send(input, dryRun, partial)` makes the call.
 */
export function useImportSteps<I, R>(
  send: (input: I, dryRun: boolean, partial: boolean) => Promise<R>,
  clean: (preview: R) => boolean,
) {
  const checking = useAction();
  const importing = useAction();
  const preview = shallowRef<R | null>(null);
  const result = shallowRef<R | null>(null);

  async function check(input: I) {
    result.value = null;
    preview.value = (await checking.run(() => send(input, true, false))) ?? null;
  }

  async function commit(input: I, partial = false) {
    if (!preview.value || (!partial && !clean(preview.value))) return null;
    const report = await importing.run(() => send(input, false, partial));
    if (!report) return null;
    result.value = report;
    preview.value = null;
    return report;
  }

  function reset() {
    preview.value = null;
    result.value = null;
  }

  return { checking, importing, preview, result, check, commit, reset };
}

/**
 * The file an import reads, from a file input (`pick` on its change): a new file makes the preview stale (`changed`),
 * and one over `maxBytes` is refused in words (`tooLarge`) in `error`, where the page puts its other problems with the
 * source too. `clear` forgets the file and empties the input it came from.
 */
export function useImportFile(maxBytes: number, tooLarge: () => string, changed: () => void) {
  const file = ref<File | null>(null);
  let input: HTMLInputElement | null = null;
  const error = ref<string | null>(null);

  function pick(ev: Event) {
    input = ev.target as HTMLInputElement;
    const f = input.files?.[0] ?? null;
    changed();
    error.value = f && f.size > maxBytes ? tooLarge() : null;
    file.value = f;
  }

  function clear() {
    file.value = null;
    if (input) input.value = '';
  }

  return { file, error, pick, clear };
}
