import { ref } from 'vue';
import { api } from '@/api/client';
import { unwrap } from '@/api/errors';
import type { Schemas } from '@sysponto/client';

export type GeoFix = Schemas['GeoFixDto'];

/**
 * The in-room check from the student's side. The browser is asked for a position only when a session open now
 * belongs to a course whose policy `location.mode` is not `off` (the code alone does not tell which course it is for).
 * Refused, unavailable or slow (8 s): the check-in goes without it and the server records `unknown`.
 */
export function useCheckInLocation() {
  /** A course of an open session asks for the location: show why before the browser asks. */
  const needed = ref(false);
  const asking = ref(false);
  let decided: Promise<boolean> | null = null;

  async function decide(): Promise<boolean> {
    const now = Date.now();
    const hours12 = 12 * 3600_000;
    const [courses, sessions] = await Promise.all([
      unwrap(api.GET('/api/courses', { params: { query: { pageSize: 100 } } })),
      unwrap(
        api.GET('/api/me/sessions', {
          params: { query: { from: new Date(now - hours12).toISOString(), to: new Date(now + hours12).toISOString() } },
        }),
      ),
    ]);
    const checking = new Set(courses.items.filter((c) => c.policy.location.mode !== 'off').map((c) => c.id));
    needed.value = sessions.items.some((s) => s.state === 'open' && checking.has(s.courseId));
    return needed.value;
  }

  /** Starts deciding (e.g. on mount) so that submitting does not wait for it. */
  function prepare(): Promise<boolean> {
    decided ??= decide().catch(() => false);
    return decided;
  }

  /** The position for this check-in, or undefined (not needed, refused, unavailable, too slow). */
  async function locate(): Promise<GeoFix | undefined> {
    if (!(await prepare()) || !('geolocation' in navigator)) return undefined;
    asking.value = true;
    try {
      return await new Promise<GeoFix | undefined>((resolve) => {
        navigator.geolocation.getCurrentPosition(
          (p) =>
            resolve({
              latitude: p.coords.latitude,
              longitude: p.coords.longitude,
              accuracy: Math.min(100000, Math.max(0, p.coords.accuracy)),
            }),
          () => resolve(undefined),
          { enableHighAccuracy: true, timeout: 8000, maximumAge: 30000 },
        );
      });
    } finally {
      asking.value = false;
    }
  }

  return { needed, asking, prepare, locate };
}
