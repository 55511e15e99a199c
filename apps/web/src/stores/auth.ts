import type { Schemas } from '@sysponto/client';
import type { UserRole } from '@sysponto/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '@/api/client';
import { useNotificationStore } from '@/stores/notifications';
import {
  lastRefreshUnreachable,
  onPasswordChangeRequired,
  onSessionExpired,
  onTokenRefreshed,
  refreshSession,
  setAccessToken,
} from '@/api/http';
import { forgetReads } from '@/offline/db';

export type User = Schemas['UserDto'];

/** Set while a refresh cookie may exist, so an anonymous visit does not start with a refresh that can only fail. */
const HINT = 'sysponto.session';
const hint = {
  get: () => typeof localStorage !== 'undefined' && localStorage.getItem(HINT) === '1',
  set: (on: boolean) => (on ? localStorage.setItem(HINT, '1') : localStorage.removeItem(HINT)),
};

/**
 * The signed-in user as last read, so the app still opens offline (the refresh cookie cannot be exchanged without
 * the network): no token, only who it is, cleared on sign-out and when the server ends the session.
 */
const LAST_USER = 'sysponto.user';
const lastUser = {
  get: (): User | null => {
    try {
      return typeof localStorage === 'undefined'
        ? null
        : (JSON.parse(localStorage.getItem(LAST_USER) ?? 'null') as User);
    } catch {
      return null;
    }
  },
  set: (u: User | null) =>
    u ? localStorage.setItem(LAST_USER, JSON.stringify(u)) : localStorage.removeItem(LAST_USER),
};

/** Who is signed in. The access token stays in memory; a reload restores the session through the refresh cookie. */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null);
  const accessToken = ref<string | null>(null);
  const restored = ref(false);
  /** Set when the server refused a refresh mid-session: the login page says "your session has ended". */
  const expired = ref(false);
  /** Opened without a network by someone signed in before: pages read what was kept; the token comes back online. */
  const offline = ref(false);

  const isSignedIn = computed(() => !!user.value && (!!accessToken.value || offline.value));
  const role = computed<UserRole | null>(() => user.value?.role ?? null);
  const mustChangePassword = computed(() => !!user.value?.mustChangePassword);

  function adopt(session: { accessToken: string; user: unknown }) {
    accessToken.value = session.accessToken;
    setAccessToken(session.accessToken);
    user.value = session.user as User;
    expired.value = false;
    offline.value = false;
    hint.set(true);
    lastUser.set(user.value);
  }

  function clear() {
    hint.set(false);
    lastUser.set(null);
    offline.value = false;
    accessToken.value = null;
    setAccessToken(null);
    user.value = null;
  }

  onTokenRefreshed((s) => {
    accessToken.value = s.accessToken;
    offline.value = false;
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
    const id = user.value?.id;
    try {
      await api.POST('/api/auth/logout', { body: {} });
    } catch {
      // Offline: signed out here (no refresh is tried again); the server's refresh token then simply expires.
    } finally {
      clear();
      if (id) await forgetReads(id).catch(() => undefined);
    }
  }

  /** On page load: try the refresh cookie once. Resolves either way. */
  let restoring: Promise<void> | null = null;
  function restore(): Promise<void> {
    restoring ??= (async () => {
      const session = hint.get() ? await refreshSession() : null;
      const known = lastUser.get();
      if (session) adopt(session);
      else if (hint.get() && lastRefreshUnreachable() && known) {
        user.value = known;
        offline.value = true;
      } else if (!lastRefreshUnreachable()) hint.set(false);
      restored.value = true;
    })();
    return restoring;
  }

  /**
   * Back online after an offline start: exchange the refresh cookie for a token. False when that did not work
   * (still no network: try again later; or the server ended the session: then the app goes to sign-in).
   */
  async function resume(): Promise<boolean> {
    if (!offline.value) return !!accessToken.value;
    const session = await refreshSession();
    if (session) {
      adopt(session);
      return true;
    }
    if (!lastRefreshUnreachable()) {
      expired.value = true;
      clear();
    }
    return false;
  }

  /** A language to save as the user's preference once they may (after a required password change). */
  let pendingLocale: Schemas['UpdateMeDto']['locale'] | null = null;
  /** Saves the language as the user's preference now, or after the required password change. */
  async function adoptLocale(locale: NonNullable<Schemas['UpdateMeDto']['locale']>): Promise<void> {
    if (user.value?.mustChangePassword) pendingLocale = locale;
    else if (user.value && user.value.locale !== locale) await updateProfile({ locale }).catch(() => undefined);
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const session = await unwrap(api.POST('/api/me/password', { body: { currentPassword, newPassword } }));
    adopt(session);
    if (pendingLocale) {
      const locale = pendingLocale;
      pendingLocale = null;
      await adoptLocale(locale);
    }
  }

  async function updateProfile(patch: Schemas['UpdateMeDto']): Promise<User> {
    user.value = await unwrap(api.PATCH('/api/me', { body: patch }));
    // Notifications are rendered in the stored language: re-read the badge's list in the new one.
    if (patch.locale)
      void useNotificationStore()
        .refreshCount()
        .catch(() => undefined);
    return user.value;
  }

  return {
    user,
    accessToken,
    restored,
    expired,
    offline,
    isSignedIn,
    role,
    mustChangePassword,
    login,
    logout,
    restore,
    /** A refresh cookie may exist (signed in on this device before): restoring the session asks the server. */
    hasSessionHint: () => hint.get(),
    resume,
    changePassword,
    updateProfile,
    adoptLocale,
    adopt,
    /** Forgets the sign-in locally (its tokens were revoked elsewhere, e.g. by a password reset). */
    clear,
  };
});
