import { ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useAction } from './use-async';

/**
 * Forgot password: ask for a link (the answer is the same whether or not the address has an account) and set a new
 * password with the link's token (every sign-in of the account ends, this browser's too).
 */
export function usePasswordReset() {
  const action = useAction();
  const requested = ref(false);
  const done = ref(false);

  async function request(email: string) {
    const ok = await action.run(async () => {
      await unwrap(api.POST('/api/auth/password-reset', { body: { email: email.trim() } }));
      return true;
    });
    if (ok) requested.value = true;
  }

  async function confirm(token: string, password: string) {
    const ok = await action.run(async () => {
      await unwrap(api.POST('/api/auth/password-reset/confirm', { body: { token, password } }));
      return true;
    });
    if (ok) done.value = true;
  }

  return { action, requested, done, request, confirm };
}
