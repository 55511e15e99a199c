import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { setBaseFetch } from '@/api/http';
import { i18n } from '@/i18n';
import { fakeFetch } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { useOfflineSync } from '@/composables/use-offline-sync';
import { memoryQueueStorage } from '@/offline/queue';
import { useOfflineQueueStore } from '@/stores/offline-queue';
import { useToastStore } from '@/stores/toasts';
import CheckInBox from './CheckInBox.vue';

const result = {
  sessionId: 's1',
  courseId: 'c1',
  courseCode: 'CS101',
  courseName: 'Introduction to Programming',
  sessionTitle: 'Lecture',
  startsAt: '2026-11-24T09:00:00.000Z',
  endsAt: '2026-11-24T10:30:00.000Z',
  studentId: 'u1',
  status: 'pending',
  source: 'code',
  checkedInAt: '2026-11-24T09:02:00.000Z',
  validatedAt: null,
  note: null,
  alreadyCheckedIn: false,
};

// A box left mounted would keep answering queued check-ins inline for the next test.
enableAutoUnmount(afterEach);

function mountBox(props = {}) {
  return mount(CheckInBox, { props, global: { plugins: [createPinia(), i18n] } });
}

describe('CheckInBox', () => {
  it('sends the code in capitals without spaces and shows the pending result; a live validation updates it', async () => {
    i18n.global.locale.value = 'en';
    const f = fakeFetch({ 'POST /api/check-ins': { status: 201, body: result } });
    setBaseFetch(f.fn);
    const w = mountBox();
    await w.get('input').setValue('k7m 2qx');
    expect((w.get('input').element as HTMLInputElement).value).toBe('K7M2QX');
    await w.get('form').trigger('submit');
    await flushPromises();
    const sent = JSON.parse(f.calls.find((c) => c.method === 'POST')!.body);
    expect(sent).toEqual({ code: 'K7M2QX', via: 'code', deviceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    // The same device identifier every time (kept in local storage).
    expect(localStorage.getItem('sysponto.deviceId')).toBe(sent.deviceId);
    const box = w.get('[data-testid=checkin-result]');
    expect(box.text()).toContain('CS101');
    expect(box.text()).toContain('Pending');
    expect(box.text()).toContain('Your teacher will confirm it');
    const validated = { studentId: 'u1', previousStatus: 'pending', source: 'teacher' } as const;
    fakeSocket.serverEmit('attendance.updated', { ...validated, sessionId: 'other', status: 'absent' });
    await flushPromises();
    expect(w.get('[data-testid=checkin-result]').text()).toContain('Pending');
    fakeSocket.serverEmit('attendance.updated', { ...validated, sessionId: 's1', status: 'present' });
    await flushPromises();
    expect(w.get('[data-testid=checkin-result]').text()).toContain('Present');
    w.unmount();
    expect(fakeSocket.listeners('attendance.updated')).toHaveLength(0);
  });

  it('shows a wrong code in plain words, from the error code', async () => {
    setBaseFetch(
      fakeFetch({
        'POST /api/check-ins': {
          status: 400,
          body: { statusCode: 400, code: 'attendance/code-invalid', message: 'x' },
        },
      }).fn,
    );
    const w = mountBox();
    await w.get('input').setValue('ABCDEF');
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[data-testid=checkin-error]').text()).toBe('This code is not valid. Check it and try again.');
    expect(w.get('input').attributes('aria-invalid')).toBe('true');
  });

  it('checks in by itself when opened from the QR link', async () => {
    const f = fakeFetch({
      'POST /api/check-ins': { status: 201, body: { ...result, status: 'present', source: 'qr' } },
    });
    setBaseFetch(f.fn);
    const w = mountBox({ initialCode: 'K7M2QX', via: 'qr', autoSubmit: true });
    await flushPromises();
    expect(JSON.parse(f.calls.find((c) => c.method === 'POST')!.body)).toMatchObject({ code: 'K7M2QX', via: 'qr' });
    expect(w.get('[data-testid=checkin-result]').text()).toContain('Present');
  });
});

describe('CheckInBox in-room check', () => {
  const course = (mode: string) => ({ id: 'c1', policy: { location: { mode, radiusMeters: 80 } } });
  const openSession = { id: 's1', courseId: 'c1', state: 'open' };

  function withGeolocation(fix: { latitude: number; longitude: number; accuracy: number } | null) {
    const calls: unknown[] = [];
    Object.defineProperty(navigator, 'geolocation', {
      configurable: true,
      value: {
        getCurrentPosition: (ok: PositionCallback, fail: PositionErrorCallback) => {
          calls.push(1);
          if (fix) ok({ coords: fix } as GeolocationPosition);
          else fail({ code: 1, message: 'denied' } as GeolocationPositionError);
        },
      },
    });
    return calls;
  }

  it('asks for the location only when an open session belongs to a course that checks it, explains why, and sends it', async () => {
    i18n.global.locale.value = 'en';
    const asked = withGeolocation({ latitude: 38.7, longitude: -9.1, accuracy: 12 });
    const f = fakeFetch({
      'GET /api/courses': { status: 200, body: { items: [course('flag')], total: 1, page: 1, pageSize: 100 } },
      'GET /api/me/sessions': { status: 200, body: { items: [openSession], truncated: false } },
      'POST /api/check-ins': { status: 201, body: result },
    });
    setBaseFetch(f.fn);
    const w = mountBox();
    // Deciding reads two lists through the client's middleware: more than one flush on a loaded machine.
    await vi.waitFor(() =>
      expect(w.get('[data-testid=location-why]').text()).toContain('only that answer is kept, never your position'),
    );
    await w.get('input').setValue('K7M2QX');
    await w.get('form').trigger('submit');
    await vi.waitFor(() => expect(f.calls.some((c) => c.method === 'POST')).toBe(true));
    expect(asked).toHaveLength(1);
    expect(JSON.parse(f.calls.find((c) => c.method === 'POST')!.body)).toMatchObject({
      location: { latitude: 38.7, longitude: -9.1, accuracy: 12 },
    });
  });

  it('never asks when the courses of the open sessions have the check off; a refusal still checks in', async () => {
    const asked = withGeolocation(null);
    const f = fakeFetch({
      'GET /api/courses': { status: 200, body: { items: [course('off')], total: 1, page: 1, pageSize: 100 } },
      'GET /api/me/sessions': { status: 200, body: { items: [openSession], truncated: false } },
      'POST /api/check-ins': { status: 201, body: result },
    });
    setBaseFetch(f.fn);
    const w = mountBox({ initialCode: 'K7M2QX', autoSubmit: true });
    await flushPromises();
    expect(asked).toHaveLength(0);
    expect(w.find('[data-testid=location-why]').exists()).toBe(false);
    expect(JSON.parse(f.calls.find((c) => c.method === 'POST')!.body)).not.toHaveProperty('location');

    const g = fakeFetch({
      'GET /api/courses': { status: 200, body: { items: [course('require')], total: 1, page: 1, pageSize: 100 } },
      'GET /api/me/sessions': { status: 200, body: { items: [openSession], truncated: false } },
      'POST /api/check-ins': { status: 201, body: result },
    });
    setBaseFetch(g.fn);
    const refused = mountBox({ initialCode: 'K7M2QX', autoSubmit: true });
    await flushPromises();
    expect(asked).toHaveLength(1);
    expect(JSON.parse(g.calls.find((c) => c.method === 'POST')!.body)).not.toHaveProperty('location');
    expect(refused.get('[data-testid=checkin-result]').text()).toContain('CS101');
  });

  it('after too many wrong codes says in words to ask the teacher; when the teacher lets them, the message goes', async () => {
    for (const [locale, words] of [
      ['en', 'Ask your teacher to let you try again, or to mark you present.'],
      ['pt', 'Peça ao docente que o deixe tentar de novo ou que registe a sua presença.'],
    ] as const) {
      i18n.global.locale.value = locale;
      const f = fakeFetch({
        'POST /api/check-ins': {
          status: 429,
          headers: { 'retry-after': '587' },
          body: {
            statusCode: 429,
            code: 'attendance/too-many-attempts',
            message: 'Too many wrong codes.',
            details: { retryAfterSeconds: 587 },
          },
        },
      });
      setBaseFetch(f.fn);
      const w = mountBox();
      await w.get('input').setValue('WRONG1');
      await w.get('form').trigger('submit');
      await flushPromises();
      const error = w.get('[data-testid=checkin-error]').text();
      expect(error).toContain(words);
      expect(error).not.toMatch(/\d/);
      fakeSocket.serverEmit('attendance.lockout-cleared', { sessionId: 's1', studentId: 'u1' });
      await flushPromises();
      expect(w.find('[data-testid=checkin-error]').exists()).toBe(false);
      w.unmount();
    }
    i18n.global.locale.value = 'en';
  });
});

describe('a queued check-in answered when the network is back', () => {
  it('is told once: inline by the check-in box on screen (no toast over the page), by a toast when none is', async () => {
    setBaseFetch(
      fakeFetch({
        'GET /api/courses': { status: 200, body: { items: [], total: 0, page: 1, pageSize: 100 } },
        'GET /api/me/sessions': { status: 200, body: { items: [] } },
      }).fn,
    );
    const pinia = createPinia();
    setActivePinia(pinia);
    const showBox = ref(true);
    const App = defineComponent({
      setup() {
        useOfflineSync();
        return () => (showBox.value ? h(CheckInBox) : null);
      },
    });
    const wrapper = mount(App, { global: { plugins: [pinia, i18n] } });
    const queue = useOfflineQueueStore();
    const toasts = useToastStore();
    queue.configure({
      storage: memoryQueueStorage(),
      send: async () => ({
        status: 410,
        body: { statusCode: 410, code: 'attendance/code-expired', message: 'The code has expired.' },
        replayed: false,
      }),
    });
    await queue.use('u1');
    const arrivesLate = async (key: string) => {
      await queue.enqueue({ kind: 'check-in', body: { code: 'ABCDEF' }, key });
      await queue.sync();
      await flushPromises();
    };
    const askTeacher = 'The code was no longer valid when your check-in arrived. Ask your teacher to mark you present.';

    await arrivesLate('k1');
    expect(wrapper.get('[data-testid=checkin-queued-refused]').text()).toBe(askTeacher);
    expect(toasts.items).toEqual([]);

    // Elsewhere in the app (no check-in box): a toast says it.
    showBox.value = false;
    await flushPromises();
    await arrivesLate('k2');
    expect(toasts.items.map((t) => [t.variant, t.title])).toEqual([['danger', askTeacher]]);
  });
});
