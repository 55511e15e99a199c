import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { fakeFetch, json, justification, myAttendance, myRecord, page, session } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { mountPage } from '@/test/mount';
import JustificationsView from './JustificationsView.vue';

enableAutoUnmount(afterEach);
afterEach(() => vi.unstubAllGlobals());

const mine = (extra: Record<string, Parameters<typeof fakeFetch>[0][string]> = {}) =>
  fakeFetch({
    // My recent absences and late arrivals, asked for separately.
    'GET /api/me/attendance': (req) => {
      const status = new URL(req.url).searchParams.get('status')!;
      const item =
        status === 'late'
          ? myRecord('s-late', 'late', { startsAt: '2026-11-20T09:00:00.000Z' })
          : myRecord('s-abs', 'absent');
      return json(myAttendance([item]));
    },
    // My sessions of the next two weeks: one still to come, one open now (not offered).
    'GET /api/me/sessions': () =>
      json({
        items: [
          session({ id: 's-open', state: 'open', startsAt: new Date(Date.now() - 60_000).toISOString() }),
          session({ id: 's-next', state: 'scheduled', startsAt: new Date(Date.now() + 86_400_000).toISOString() }),
        ],
        truncated: false,
      }),
    ...extra,
  });

describe('JustificationsView (useMyJustifications)', () => {
  it('offers my recent absences and late arrivals, newest first; picking a late one makes it a late justification', async () => {
    const net = mine({ 'GET /api/justifications': { status: 200, body: page([]) } });
    const { wrapper } = await mountPage(JustificationsView, { path: '/student/justifications', network: net });
    const options = wrapper.findAll('#j-session option').map((o) => o.attributes('value'));
    expect(options).toEqual(['', 's-abs', 's-late', 's-next']);
    expect(wrapper.get('#j-session optgroup').attributes('label')).toBe(
      'Upcoming sessions (report an absence in advance)',
    );
    await wrapper.get('#j-session').setValue('s-late');
    expect((wrapper.get('#t-late').element as HTMLInputElement).checked).toBe(true);
    // A session still to come: an absence reported in advance, never a late arrival.
    await wrapper.get('#j-session').setValue('s-next');
    expect((wrapper.get('#t-absence').element as HTMLInputElement).checked).toBe(true);
    expect((wrapper.get('#t-late').element as HTMLInputElement).disabled).toBe(true);
    expect(wrapper.get('[data-testid=justify-in-advance]').text()).toContain('recorded as excused');
    expect(wrapper.text()).toContain('No justifications yet');
  });

  it('keeps the session from a link, and re-reads my list when a teacher reviews one', async () => {
    const net = mine({
      'GET /api/justifications': [
        { status: 200, body: page([justification('j1')]) },
        { status: 200, body: page([justification('j1', { status: 'approved', attendanceStatus: 'excused' })]) },
      ],
    });
    const { wrapper } = await mountPage(JustificationsView, {
      path: '/student/justifications?sessionId=s-old&type=late',
      network: net,
    });
    expect((wrapper.get('#j-session').element as HTMLSelectElement).value).toBe('s-old');
    expect(wrapper.get('#j-session').text()).toContain('The session from the link');
    expect((wrapper.get('#t-late').element as HTMLInputElement).checked).toBe(true);
    const item = () => wrapper.get('[aria-labelledby=mine-heading] li');
    expect(item().text()).toContain('Pending');

    fakeSocket.serverEmit('justification.reviewed', {
      justificationId: 'j1',
      sessionId: 's1',
      status: 'approved',
      comment: null,
    });
    await flushPromises();
    expect(item().text()).toContain('Approved');
    expect(item().text()).toContain('Excused');
  });

  it('withdraws a pending justification after confirming, then re-reads the list and the sessions I can justify', async () => {
    vi.stubGlobal('confirm', () => true);
    const net = mine({
      'GET /api/justifications': [
        { status: 200, body: page([justification('j1')]) },
        { status: 200, body: page([justification('j1', { status: 'withdrawn' })]) },
      ],
      'POST /api/justifications/j1/withdraw': { status: 200, body: justification('j1', { status: 'withdrawn' }) },
    });
    const { wrapper } = await mountPage(JustificationsView, { path: '/student/justifications', network: net });
    net.calls.length = 0;
    await wrapper.get('[aria-labelledby=mine-heading] li .btn-outline-danger').trigger('click');
    await flushPromises();
    expect(net.calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual([
      'GET /api/justifications',
      'GET /api/me/attendance',
      'GET /api/me/attendance',
      'GET /api/me/sessions',
      'POST /api/justifications/j1/withdraw',
    ]);
    expect(wrapper.get('[aria-labelledby=mine-heading] li').text()).toContain('Withdrawn');
    expect(wrapper.find('[aria-labelledby=mine-heading] li .btn-outline-danger').exists()).toBe(false);
  });
});
