import QRCode from 'qrcode';
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import { ApiError, unwrap } from '@/api/errors';
import { api } from '@/api/client';
import type { Schemas } from '@sysponto/client';
import { getSocket } from '@/realtime/socket';
import { useResync } from '@/realtime/use-socket-event';
import { reachableCheckInUrl } from '@/features/check-in-link';
import { useCountdown } from './use-countdown';

export type LiveCode = Schemas['AttendanceCodeDto'];

/**
 * The session's current attendance code, kept live: `code.rotated` brings each new rotating code, a revoke or close
 * clears it, and after a reconnect (or a missed rotation) it is re-read over REST.
 */
export function useLiveCode(sessionId: () => string) {
  const code = shallowRef<LiveCode | null>(null);
  const qr = ref<string | null>(null);
  const loading = ref(true);
  const rotation = ref<string | null>(null);
  const expiry = ref<string | null>(null);
  const slot = useCountdown(rotation);
  const total = useCountdown(expiry);
  /** A fixed code that ran out while shown (not revoked, not replaced): the page says so until a new code is shown. */
  const expired = shallowRef<{ code: string; expiresAt: string } | null>(null);

  async function refresh() {
    try {
      code.value = await unwrap(api.GET('/api/sessions/{id}/codes/current', { params: { path: { id: sessionId() } } }));
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 409 || e.status === 410)) code.value = null;
      else throw e;
    } finally {
      loading.value = false;
    }
  }

  async function generate(mode: 'fixed' | 'rotating', validityMinutes?: number) {
    code.value = await unwrap(
      api.POST('/api/sessions/{id}/codes', {
        params: { path: { id: sessionId() } },
        body: { mode, ...(validityMinutes ? { validityMinutes } : {}) },
      }),
    );
  }

  async function revoke() {
    await unwrap(api.DELETE('/api/sessions/{id}/codes/current', { params: { path: { id: sessionId() } } }));
    code.value = null;
  }

  /** The check-in link at an address the students' phones reach (the QR code, the projector's "go to"). */
  const link = computed(() => (code.value ? reachableCheckInUrl(code.value.checkInUrl) : null));

  watch(code, async (c) => {
    if (c) expired.value = null;
    rotation.value = c?.rotatesAt ?? null;
    expiry.value = c?.expiresAt ?? null;
    qr.value = c ? await QRCode.toDataURL(link.value!, { margin: 1, width: 640, errorCorrectionLevel: 'M' }) : null;
  });

  // A rotation we missed (slow network): re-read a second after the slot should have changed.
  watch(slot.seconds, (s) => {
    if (s === 0 && code.value?.mode === 'rotating') setTimeout(() => void refresh().catch(() => undefined), 1200);
  });
  watch(total.seconds, (s) => {
    if (s !== 0 || !code.value) return;
    if (code.value.mode === 'fixed') expired.value = { code: code.value.code, expiresAt: code.value.expiresAt };
    code.value = null;
  });

  const onRotated = (p: {
    sessionId: string;
    code: string;
    expiresAt: string;
    rotatesAt?: string | null;
    checkInUrl?: string;
  }) => {
    if (p.sessionId !== sessionId() || !code.value) {
      if (p.sessionId === sessionId()) void refresh();
      return;
    }
    code.value = {
      ...code.value,
      code: p.code,
      expiresAt: p.expiresAt,
      rotatesAt: p.rotatesAt ?? code.value.rotatesAt,
      checkInUrl: p.checkInUrl ?? code.value.checkInUrl.replace(/code=[^&]*/, `code=${encodeURIComponent(p.code)}`),
    };
  };
  const onRevoked = (p: { sessionId: string }) => {
    if (p.sessionId === sessionId()) code.value = null;
  };
  // `code.revoked` is newer than some servers: subscribe untyped so an older contract still compiles.
  const socket = getSocket() as unknown as {
    on(e: string, fn: (p: never) => void): void;
    off(e: string, fn: (p: never) => void): void;
  };
  onMounted(() => {
    socket.on('code.rotated', onRotated);
    socket.on('code.revoked', onRevoked);
    void refresh().catch(() => undefined);
  });
  onBeforeUnmount(() => {
    socket.off('code.rotated', onRotated);
    socket.off('code.revoked', onRevoked);
  });
  useResync(() => void refresh().catch(() => undefined));

  return { code, link, qr, loading, slot, total, expired, refresh, generate, revoke };
}
