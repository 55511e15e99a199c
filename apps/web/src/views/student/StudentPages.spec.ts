import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { course, fakeFetch, myAttendance, myRecord, page, session } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { useToastStore } from '@/stores/toasts';
import { mountPage } from '@/test/mount';
import HistoryView from './HistoryView.vue';
import StudentDashboardView from './StudentDashboardView.vue';

enableAutoUnmount(afterEach);

const rate = (courseCode: string, r: number) => ({
  courseId: `id-${courseCode}`,
  courseCode,
  courseName: `Course ${courseCode}`,
  held: 4,
  present: 3,
  late: 0,
  absent: 1,
  excused: 0,
  pending: 0,
  rate: r,
});
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

describe('StudentDashboardView (useUpcomingSessions, useAttendanceSummary, useJoinCourse)', () => {
  it('shows the open session and my rates; a validation re-reads the rates; joining a course re-reads both', async () => {
    const net = fakeFetch({
      'GET /api/me/sessions': { status: 200, body: page([session({ startsAt: inAnHour(), endsAt: inAnHour() })]) },
      'GET /api/me/attendance': [
        { status: 200, body: myAttendance([], { courses: [rate('CS101', 0.75)] }) },
        {
          status: 200,
          body: myAttendance([], { courses: [rate('CS101', 1)], overall: { ...myAttendance().overall, rate: 1 } }),
        },
      ],
      'POST /api/courses/join': [
        { status: 404, body: { statusCode: 404, code: 'courses/join-code-invalid', message: 'x' } },
        { status: 200, body: { alreadyEnrolled: false, course: course('MA200') } },
      ],
    });
    const { wrapper } = await mountPage(StudentDashboardView, { path: '/student', network: net });
    expect(wrapper.get('#checkin-heading').element.parentElement!.textContent).toContain('Open now: CS101');
    expect(wrapper.get('[aria-labelledby=rates-heading]').text()).toContain('75%');

    fakeSocket.serverEmit('attendance.updated', {
      sessionId: 's1',
      studentId: 'u1',
      status: 'present',
      previousStatus: 'pending',
      source: 'teacher',
    });
    await flushPromises();
    expect(wrapper.get('[aria-labelledby=rates-heading]').text()).toContain('100%');

    await wrapper.get('#join-code').setValue('WRONG1');
    await wrapper.get('[aria-labelledby=join-heading] form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[aria-labelledby=join-heading] [role=alert]').text()).toBe(
      'This join code is not valid. Check it with your teacher.',
    );
    net.calls.length = 0;
    await wrapper.get('#join-code').setValue(' ma200join ');
    await wrapper.get('[aria-labelledby=join-heading] form').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls[0]!.body)).toEqual({ joinCode: 'ma200join' });
    expect(net.calls.map((c) => c.path).sort()).toEqual([
      '/api/courses/join',
      '/api/me/attendance',
      '/api/me/sessions',
    ]);
    expect((wrapper.get('#join-code').element as HTMLInputElement).value).toBe('');
  });
});

describe('StudentDashboardView, live (useMySessionsLive)', () => {
  const mine = (over: Record<string, unknown>) =>
    session({
      startsAt: inAnHour(),
      endsAt: inAnHour(),
      myStatus: null,
      myJustification: null,
      canJustify: true,
      ...over,
    });
  const openLine = (w: Awaited<ReturnType<typeof mountPage>>['wrapper']) =>
    w.get('#checkin-heading').element.parentElement!.textContent!.replace(/\s+/g, ' ');

  it('shows my state in the open session after a reload, follows the session live, and replaces a superseded toast', async () => {
    let server: Record<string, unknown> = { state: 'scheduled' };
    const net = fakeFetch({
      // The server's state of my session, as each read finds it.
      'GET /api/me/sessions': (() =>
        new Response(JSON.stringify(page([mine(server)])), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })) as never,
      'GET /api/me/attendance': { status: 200, body: myAttendance([], { courses: [rate('CS101', 0.75)] }) },
    });
    const { wrapper } = await mountPage(StudentDashboardView, { path: '/student', network: net });
    const toasts = useToastStore();
    expect(openLine(wrapper)).toContain('No session is open');
    const live = async (fire: () => void) => {
      net.calls.length = 0;
      fire();
      fire(); // a burst is read once
      await new Promise((r) => setTimeout(r, 300));
      await flushPromises();
      expect(net.calls.filter((c) => c.path === '/api/me/sessions')).toHaveLength(1);
    };

    server = { state: 'open' };
    await live(() => fakeSocket.serverEmit('session.opened', { sessionId: 's1', courseId: 'c1', state: 'open' }));
    expect(openLine(wrapper)).toContain('Open now: CS101');
    expect(openLine(wrapper)).toContain('Not checked in');
    expect(toasts.items.map((x) => x.title)).toEqual(['CS101: check-in is open']);

    // A new code: the toast about the old state is replaced, not stacked.
    await live(() => fakeSocket.serverEmit('session.code-changed', { sessionId: 's1', courseId: 'c1', reason: 'new' }));
    expect(toasts.items.map((x) => x.title)).toEqual(['CS101: your teacher showed a new code']);

    // Checked in (read again, as after a reload): pending validation, then validated live.
    server = { state: 'open', myStatus: 'pending' };
    await live(() =>
      fakeSocket.serverEmit('session.code-changed', { sessionId: 's1', courseId: 'c1', reason: 'revoked' }),
    );
    expect(openLine(wrapper)).toContain('Checked in · pending validation');
    expect(toasts.items).toHaveLength(1); // nothing to tell me once checked in
    fakeSocket.serverEmit('attendance.updated', {
      sessionId: 's1',
      studentId: 'u1',
      status: 'present',
      previousStatus: 'pending',
      source: 'teacher',
    });
    await flushPromises();
    expect(openLine(wrapper)).toContain('Present');
    expect(openLine(wrapper)).not.toContain('pending validation');

    // Closed: no longer open now; today's list shows it closed with my final status.
    server = { state: 'closed', myStatus: 'present' };
    await live(() => fakeSocket.serverEmit('session.closed', { sessionId: 's1', courseId: 'c1', state: 'closed' }));
    expect(openLine(wrapper)).toContain('No session is open');
    const today = wrapper.get('[aria-labelledby=today-heading]').text();
    expect(today).toContain('Closed');
    expect(today).toContain('Present');

    // After a reconnect the sessions are read again over REST.
    net.calls.length = 0;
    fakeSocket.fire('connect');
    fakeSocket.fire('connect');
    await flushPromises();
    expect(net.calls.some((c) => c.path === '/api/me/sessions')).toBe(true);
  });
});

describe('HistoryView (useAttendanceHistory)', () => {
  it('filters from page 1 and keeps every course in the course filter while filtered', async () => {
    const all = myAttendance([myRecord('s1', 'present'), myRecord('s2', 'absent')], {
      courses: [rate('CS101', 0.5), rate('MA200', 1)],
    });
    const net = fakeFetch({
      'GET /api/me/attendance': [
        { status: 200, body: all },
        { status: 200, body: myAttendance([myRecord('s2', 'absent')], { courses: [rate('CS101', 0.5)] }) },
      ],
    });
    const { wrapper } = await mountPage(HistoryView, { path: '/student/history', network: net });
    expect(wrapper.findAll('.list-group-item')).toHaveLength(2);
    await wrapper.get('#f-status').setValue('absent');
    await flushPromises();
    expect(net.calls.map((c) => c.query)).toEqual([
      { page: '1', pageSize: '20' },
      { page: '1', pageSize: '20', status: 'absent' },
    ]);
    const items = wrapper.findAll('.list-group-item');
    expect(items).toHaveLength(1);
    expect(items[0]!.text()).toContain('Absent');
    expect(items[0]!.get('a').attributes('href')).toBe('/student/justifications?sessionId=s2&type=absence');
    expect(wrapper.findAll('#f-course option').map((o) => o.text())).toEqual([
      'All',
      'CS101 · Course CS101',
      'MA200 · Course MA200',
    ]);
  });
});
