import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { setBaseFetch } from '@/api/http';
import { i18n } from '@/i18n';
import { fakeFetch } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
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
    expect(JSON.parse(f.calls[0]!.body)).toEqual({ code: 'K7M2QX', via: 'code' });
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
    expect(JSON.parse(f.calls[0]!.body)).toEqual({ code: 'K7M2QX', via: 'qr' });
    expect(w.get('[data-testid=checkin-result]').text()).toContain('Present');
  });
});
