import { shallowRef } from 'vue';
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
