import { onMounted, ref, shallowRef } from 'vue';
import { ApiError, api, unwrap } from '@/api/client';
import type { Schemas } from '@sysponto/client';
import { useAction } from './use-async';

/**
 * The live page's side of the in-room check: the course's mode and radius, the room's location set for the session
 * (the anchor), and setting it from this device (the teacher stands in the room).
 */
export function useRoomLocation(sessionId: () => string, courseId: () => string | undefined) {
  const policy = shallowRef<Schemas['LocationPolicyDto'] | null>(null);
  const anchor = shallowRef<Schemas['SessionLocationDto'] | null>(null);
  const action = useAction();
  const unavailable = ref(false);

  async function load() {
    const id = courseId();
    if (!id) return;
    const course = await unwrap(api.GET('/api/courses/{id}', { params: { path: { id } } }));
    policy.value = course.policy.location;
    if (policy.value.mode === 'off') return;
    try {
      anchor.value = await unwrap(api.GET('/api/sessions/{id}/location', { params: { path: { id: sessionId() } } }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) anchor.value = null;
      else throw e;
    }
  }

  function position(): Promise<GeolocationPosition> {
    return new Promise((resolve, reject) =>
      navigator.geolocation.getCurrentPosition(resolve, reject, {
        enableHighAccuracy: true,
        timeout: 15000,
        maximumAge: 0,
      }),
    );
  }

  /** Asks this browser for its position and makes it the room's location for the session. */
  async function setFromDevice() {
    unavailable.value = false;
    if (!('geolocation' in navigator)) {
      unavailable.value = true;
      return;
    }
    let p: GeolocationPosition;
    try {
      p = await position();
    } catch {
      unavailable.value = true;
      return;
    }
    const r = await action.run(() =>
      unwrap(
        api.POST('/api/sessions/{id}/location', {
          params: { path: { id: sessionId() } },
          body: {
            latitude: p.coords.latitude,
            longitude: p.coords.longitude,
            accuracy: Math.min(100000, Math.max(0, p.coords.accuracy)),
          },
        }),
      ),
    );
    if (r) anchor.value = r;
  }

  onMounted(() => void load().catch(() => undefined));
  return { policy, anchor, action, unavailable, load, setFromDevice };
}
