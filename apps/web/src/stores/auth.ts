import type { Schemas } from '@sysponto/api-client';
import type { UserRole } from '@sysponto/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '@/api/client';
import {
  onPasswordChangeRequired,
  onSessionExpired,
  onTokenRefreshed,
  refreshSession,
  setAccessToken,
} from '@/api/http';

export type User = Schemas['UserDto'];

/** Set while a refresh cookie may exist, so an anonymous visit does not start with a refresh that can only fail. */
const HINT = 'sysponto.session';
const hint = {
  get: () => typeof localStorage !== 'undefined' && localStorage.getItem(HINT) === '1',
  set: (on: boolean) => (on ? localStorage.setItem(HINT, '1') : localStorage.removeItem(HINT)),
};

/** Who is signed in. The access token stays in memory; a reload restores the session through the refresh cookie. */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null);
  const accessToken = ref<string | null>(null);
  const restored = ref(false);
  /** Set when the server refused a refresh mid-session: the login page says "your session has ended". */
  const expired = ref(false);

  const isSignedIn = computed(() => !!user.value && !!accessToken.value);
  const role = computed<UserRole | null>(() => user.value?.role ?? null);
  const mustChangePassword = computed(() => !!user.value?.mustChangePassword);

  function adopt(session: { accessToken: string; user: unknown }) {
    accessToken.value = session.accessToken;
    setAccessToken(session.accessToken);
    user.value = session.user as User;
    expired.value = false;
    hint.set(true);
  }

  function clear() {
    hint.set(false);
    accessToken.value = null;
    setAccessToken(null);
    user.value = null;
  }

  onTokenRefreshed((s) => {
    accessToken.value = s.accessToken;
    if (s.user) user.value = s.user as User;
  });
  onPasswordChangeRequired(() => {
    if (user.value) user.value = { ...user.value, mustChangePassword: true };
  });
  onSessionExpired(() => {
    if (user.value) expired.value = true;
    clear();
  });

  async function login(email: string, password: string): Promise<User> {
    const session = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
    adopt(session);
    return session.user;
  }

  async function logout(): Promise<void> {
    try {
      await api.POST('/api/auth/logout', { body: {} });
    } finally {
      clear();
    }
  }

  /** On page load: try the refresh cookie once. Resolves either way. */
  let restoring: Promise<void> | null = null;
  function restore(): Promise<void> {
    restoring ??= (async () => {
      const session = hint.get() ? await refreshSession() : null;
      if (session) adopt(session);
      else hint.set(false);
      restored.value = true;
    })();
    return restoring;
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const session = await unwrap(api.POST('/api/me/password', { body: { currentPassword, newPassword } }));
    adopt(session);
  }

  async function updateProfile(patch: Schemas['UpdateMeDto']): Promise<User> {
    user.value = await unwrap(api.PATCH('/api/me', { body: patch }));
    return user.value;
  }

  return {
    user,
    accessToken,
    restored,
    expired,
    isSignedIn,
    role,
    mustChangePassword,
    login,
    logout,
    restore,
    changePassword,
    updateProfile,
    adopt,
  };
});
