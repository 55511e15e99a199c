import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { fakeFetch, notFound, roster, rosterEntry, session } from '@/test/fake-fetch';
import { emitted, fakeSocket } from '@/test/fake-socket';
import { mountPage } from '@/test/mount';
import { connectSocket } from '@/realtime/socket';
import { useToastStore } from '@/stores/toasts';
import LiveSessionView from './LiveSessionView.vue';

enableAutoUnmount(afterEach);

const open = () =>
  fakeFetch({
    'GET /api/sessions/s1': { status: 200, body: session() },
    // Read on mount and again once the live room is joined; then after the teacher's change.
    'GET /api/sessions/s1/attendance': [
      { status: 200, body: roster([rosterEntry('Sara', null), rosterEntry('Bruno', 'present')]) },
      { status: 200, body: roster([rosterEntry('Sara', null), rosterEntry('Bruno', 'present')]) },
      { status: 200, body: roster([rosterEntry('Sara', 'present'), rosterEntry('Bruno', 'present')]) },
    ],
    'GET /api/sessions/s1/codes/current': notFound,
    'PATCH /api/sessions/s1/attendance/id-Sara': { status: 200, body: {} },
  });

/** The live page of session s1 on a scripted network. */
const mountLive = (network: ReturnType<typeof fakeFetch>) =>
  mountPage(LiveSessionView, { path: '/teacher/sessions/s1', pattern: '/teacher/sessions/:id', network });

const row = (w: Awaited<ReturnType<typeof mountPage>>['wrapper'], email: string) =>
  w.get(`[data-testid=roster] li[data-student="${email}"]`);

describe('LiveSessionView (useSession, useRoster, useRosterActions, useDialog)', () => {
  it('lists who awaits validation first, then who is missing, then the rest', async () => {
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      'GET /api/sessions/s1/attendance': {
        status: 200,
        body: roster([
          rosterEntry('Ana', 'present'),
          rosterEntry('Bruno', null),
          rosterEntry('Carla', 'pending'),
          rosterEntry('Duarte', 'absent'),
        ]),
      },
      'GET /api/sessions/s1/codes/current': notFound,
    });
    const { wrapper } = await mountLive(net);
    expect(wrapper.findAll('[data-testid=roster] li').map((li) => li.attributes('data-student'))).toEqual([
      'carla@example.com',
      'bruno@example.com',
      'duarte@example.com',
      'ana@example.com',
    ]);
  });

  it('announces a fixed code that expires, once (a new code replaces the announcement)', async () => {
    const code = (c: string, ms: number) => ({
      sessionId: 's1',
      code: c,
      mode: 'fixed',
      expiresAt: new Date(Date.now() + ms).toISOString(),
      rotatesAt: null,
      rotationSeconds: null,
      checkInUrl: `http://localhost/check-in?code=${c}`,
    });
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      'GET /api/sessions/s1/attendance': { status: 200, body: roster([rosterEntry('Sara', null)]) },
      // (Its expiry counted from when it is read: 1.5 s.)
      'GET /api/sessions/s1/codes/current': (() =>
        new Response(JSON.stringify(code('K7M2QX', 1500)), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        })) as never,
      'POST /api/sessions/s1/codes': { status: 201, body: code('P3RT9W', 600_000) },
    });
    const { wrapper } = await mountLive(net);
    const toasts = useToastStore();
    expect(wrapper.get('[data-testid=live-code]').text()).toBe('K7M2QX');
    expect(wrapper.find('[data-testid=code-expired]').exists()).toBe(false);
    await new Promise((r) => setTimeout(r, 2200));
    await flushPromises();
    expect(wrapper.find('[data-testid=live-code]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=code-expired]').text()).toContain('The code K7M2QX expired at');
    expect(toasts.items.map((x) => x.title)).toEqual([
      'The code K7M2QX has expired: students can no longer check in with it.',
    ]);

    await wrapper.get('[data-testid=generate-code]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=live-code]').text()).toBe('P3RT9W');
    expect(toasts.items).toEqual([]);
  });

  it('joins the live room, and a check-in turns the row pending without a reload', async () => {
    connectSocket();
    const net = open();
    const { wrapper } = await mountLive(net);
    expect(wrapper.find('h1').text()).toBe('CS101 · Lecture');
    expect(wrapper.findAll('[data-testid=roster] li').map((li) => li.attributes('data-student'))).toEqual([
      'sara@example.com',
      'bruno@example.com',
    ]);
    expect(wrapper.get('[data-testid=roster-counts]').text()).toContain('1 Not checked in');
    expect(emitted).toContainEqual({ event: 'session.watch', payload: { sessionId: 's1' } });

    fakeSocket.serverEmit('attendance.submitted', {
      sessionId: 's1',
      studentId: 'id-Sara',
      fullName: 'Sara',
      checkedInAt: '2026-11-24T09:03:00.000Z',
      status: 'pending',
      flags: [],
    });
    await flushPromises();
    expect(row(wrapper, 'sara@example.com').text()).toContain('Pending');
    expect(row(wrapper, 'sara@example.com').classes()).toContain('list-group-item-success');
    expect(wrapper.get('[data-testid=roster-counts]').text()).toContain('1 Pending');
    // Read on mount and once the room was joined (a check-in in between would have been missed), not per event.
    expect(net.calls.filter((c) => c.path === '/api/sessions/s1/attendance')).toHaveLength(2);

    // An event for another session leaves this roster alone.
    fakeSocket.serverEmit('attendance.updated', {
      sessionId: 's2',
      studentId: 'id-Sara',
      status: 'absent',
      previousStatus: null,
      source: 'teacher',
    });
    await flushPromises();
    expect(row(wrapper, 'sara@example.com').text()).toContain('Pending');

    await row(wrapper, 'sara@example.com').get('button[aria-label="Validate Sara"]').trigger('click');
    await flushPromises();
    const patch = net.calls.find((c) => c.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toEqual({ status: 'present', override: false });
    expect(row(wrapper, 'sara@example.com').text()).toContain('Present');
  });

  it('joins the room after the first read and reads again, keeping a check-in that arrives while a read is under way', async () => {
    fakeSocket.fire('disconnect');
    emitted.length = 0;
    const initial = roster([rosterEntry('Sara', null), rosterEntry('Bruno', null)]);
    let release: (() => void) | undefined;
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      'GET /api/sessions/s1/attendance': [
        { status: 200, body: initial },
        // The read after the join: its answer was made before Bruno's check-in, and arrives after its event.
        () =>
          new Promise<Response>((resolve) => {
            release = () => resolve(new Response(JSON.stringify(initial), { status: 200 }));
          }),
      ],
      'GET /api/sessions/s1/codes/current': notFound,
    });
    const { wrapper } = await mountLive(net);
    const reads = () => net.calls.filter((c) => c.path === '/api/sessions/s1/attendance').length;
    expect(reads()).toBe(1);
    expect(emitted).not.toContainEqual({ event: 'session.watch', payload: { sessionId: 's1' } });
    // Not connected yet when the page opened: the room is joined on connect, and the roster read again.
    fakeSocket.fire('connect');
    await flushPromises();
    expect(emitted).toContainEqual({ event: 'session.watch', payload: { sessionId: 's1' } });
    expect(reads()).toBe(2);
    fakeSocket.serverEmit('attendance.submitted', {
      sessionId: 's1',
      studentId: 'id-Bruno',
      fullName: 'Bruno',
      checkedInAt: '2026-11-24T09:03:00.000Z',
      status: 'pending',
      flags: ['shared-device'],
    });
    await flushPromises();
    expect(row(wrapper, 'bruno@example.com').text()).toContain('Pending');
    release!();
    await flushPromises();
    expect(row(wrapper, 'bruno@example.com').text()).toContain('Pending');
    expect(row(wrapper, 'bruno@example.com').find('[data-flag="shared-device"]').exists()).toBe(true);
    expect(row(wrapper, 'sara@example.com').text()).toContain('Not checked in');
  });

  it('changes a status in a modal dialog that closes on Escape and gives focus back to its button', async () => {
    const net = open();
    const { wrapper } = await mountLive(net);
    const opener = row(wrapper, 'sara@example.com').get('button[aria-label="Change the status of Sara"]');
    (opener.element as HTMLElement).focus();
    await opener.trigger('click');
    await flushPromises();
    const dialog = wrapper.get('dialog[aria-labelledby="edit-title"]');
    expect((dialog.element as HTMLDialogElement).open).toBe(true);
    expect(dialog.get('#edit-title').text()).toBe('Status of Sara');
    expect(document.activeElement?.id).toBe('edit-status');

    dialog.element.dispatchEvent(new Event('cancel', { cancelable: true }));
    await flushPromises();
    expect((dialog.element as HTMLDialogElement).open).toBe(false);
    expect(dialog.find('form').exists()).toBe(false);
    expect(document.activeElement).toBe(opener.element);

    await opener.trigger('click');
    await flushPromises();
    await wrapper.get('#edit-status').setValue('excused');
    await wrapper.get('#edit-note').setValue('  Doctor  ');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls.find((c) => c.method === 'PATCH')!.body)).toEqual({
      status: 'excused',
      override: true,
      note: 'Doctor',
    });
    expect((dialog.element as HTMLDialogElement).open).toBe(false);
  });

  it('shows integrity flags with their explanation, live (also raised later on an earlier check-in), and clears one', async () => {
    connectSocket();
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      'GET /api/sessions/s1/attendance': [
        { status: 200, body: roster([rosterEntry('Sara', 'pending'), rosterEntry('Bruno', null)]) },
        {
          status: 200,
          body: roster([rosterEntry('Sara', 'pending'), rosterEntry('Bruno', 'pending', { flags: ['shared-device'] })]),
        },
      ],
      'GET /api/sessions/s1/codes/current': notFound,
      'DELETE /api/sessions/s1/attendance/id-Sara/flags/shared-device': { status: 200, body: {} },
    });
    const { wrapper } = await mountLive(net);
    expect(row(wrapper, 'sara@example.com').find('[data-testid=roster-flag]').exists()).toBe(false);

    fakeSocket.serverEmit('attendance.submitted', {
      sessionId: 's1',
      studentId: 'id-Bruno',
      fullName: 'Bruno',
      checkedInAt: '2026-11-24T09:03:00.000Z',
      status: 'pending',
      flags: ['shared-device'],
    });
    // Sara checked in earlier from the same phone: her record is flagged too.
    fakeSocket.serverEmit('attendance.flagged', { sessionId: 's1', studentId: 'id-Sara', flags: ['shared-device'] });
    await flushPromises();
    for (const email of ['sara@example.com', 'bruno@example.com']) {
      const flag = row(wrapper, email).get('[data-flag=shared-device]');
      expect(flag.text()).toContain('Shared device');
      expect(flag.text()).toContain('also checked in another student of this session');
    }

    await row(wrapper, 'sara@example.com').get('button[aria-label="Clear “Shared device” for Sara"]').trigger('click');
    await flushPromises();
    expect(net.calls.some((c) => c.method === 'DELETE' && c.path.endsWith('/flags/shared-device'))).toBe(true);
    expect(row(wrapper, 'sara@example.com').find('[data-testid=roster-flag]').exists()).toBe(false);
    expect(row(wrapper, 'bruno@example.com').find('[data-flag=shared-device]').exists()).toBe(true);
  });

  it('shows who is locked out of check-in, live; "Let try again" clears it, "Mark present" records them', async () => {
    connectSocket();
    const lockedOut = {
      status: 200,
      body: roster([rosterEntry('Sara', null), rosterEntry('Bruno', null), rosterEntry('Carla', 'present')], {
        lockedOut: ['id-Sara'],
      }),
    };
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      // Read on mount and again once the live room is joined; then after the teacher's change.
      'GET /api/sessions/s1/attendance': [
        lockedOut,
        lockedOut,
        {
          status: 200,
          body: roster([rosterEntry('Sara', null), rosterEntry('Bruno', 'present'), rosterEntry('Carla', 'present')]),
        },
      ],
      'GET /api/sessions/s1/codes/current': notFound,
      'DELETE /api/sessions/s1/attendance/id-Sara/lockout': { status: 200, body: { wasLockedOut: true } },
      'PATCH /api/sessions/s1/attendance/id-Bruno': { status: 200, body: {} },
    });
    const { wrapper } = await mountLive(net);
    const lockouts = () => wrapper.find('[data-testid=lockouts]');
    // Read over REST (after a reload): Sara is locked out.
    expect(lockouts().text()).toContain('Locked out of check-in');
    expect(lockouts().text()).toContain('Too many wrong codes');
    expect(
      lockouts()
        .findAll('li')
        .map((li) => li.attributes('data-student')),
    ).toEqual(['sara@example.com']);

    // Bruno reaches the limit now: pushed live.
    fakeSocket.serverEmit('attendance.locked-out', { sessionId: 's1', studentId: 'id-Bruno', fullName: 'Bruno' });
    // Another session's lockout is not this page's.
    fakeSocket.serverEmit('attendance.locked-out', { sessionId: 's2', studentId: 'id-Carla', fullName: 'Carla' });
    await flushPromises();
    expect(lockouts().text()).toContain('2 students locked out of check-in');
    expect(
      lockouts()
        .findAll('li')
        .map((li) => li.attributes('data-student')),
    ).toEqual(['bruno@example.com', 'sara@example.com']);

    await lockouts().get('button[aria-label="Let Sara try again"]').trigger('click');
    await flushPromises();
    expect(
      net.calls.some((c) => c.method === 'DELETE' && c.path === '/api/sessions/s1/attendance/id-Sara/lockout'),
    ).toBe(true);
    expect(
      lockouts()
        .findAll('li')
        .map((li) => li.attributes('data-student')),
    ).toEqual(['bruno@example.com']);

    // Cleared from another tab: pushed live.
    fakeSocket.serverEmit('attendance.lockout-cleared', { sessionId: 's1', studentId: 'id-Bruno' });
    await flushPromises();
    expect(lockouts().exists()).toBe(false);

    // Locked out again; this time the teacher marks him present (he is in the room).
    fakeSocket.serverEmit('attendance.locked-out', { sessionId: 's1', studentId: 'id-Bruno', fullName: 'Bruno' });
    await flushPromises();
    await lockouts().get('button[aria-label="Mark Bruno present"]').trigger('click');
    await flushPromises();
    const patch = net.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('/api/sessions/s1/attendance/id-Bruno');
    expect(JSON.parse(patch.body)).toEqual({ status: 'present', override: false });
    expect(row(wrapper, 'bruno@example.com').text()).toContain('Present');
    expect(lockouts().exists()).toBe(false);
  });

  it('reopens a closed session after a confirmation and shows its fresh code', async () => {
    const closedRoster = roster([rosterEntry('Sara', 'absent')], { state: 'closed' });
    const net = fakeFetch({
      'GET /api/sessions/s1': [
        { status: 200, body: session({ state: 'closed', closedAt: '2026-11-24T09:40:00.000Z' }) },
        { status: 200, body: session() },
      ],
      'GET /api/sessions/s1/attendance': [
        { status: 200, body: closedRoster },
        { status: 200, body: closedRoster },
        { status: 200, body: roster([rosterEntry('Sara', 'absent')]) },
      ],
      'GET /api/sessions/s1/codes/current': notFound,
      'POST /api/sessions/s1/reopen': {
        status: 200,
        body: {
          sessionId: 's1',
          state: 'open',
          reopenedAt: '2026-11-24T09:45:00.000Z',
          code: {
            sessionId: 's1',
            code: 'K7M2QX',
            mode: 'fixed',
            expiresAt: '2099-11-24T09:55:00.000Z',
            rotatesAt: null,
            rotationSeconds: null,
            checkInUrl: 'http://localhost/check-in?code=K7M2QX',
          },
        },
      },
    });
    const { wrapper } = await mountLive(net);
    const reopen = () => wrapper.findAll('button').find((b) => b.text() === 'Reopen session');
    expect(reopen()).toBeDefined();

    vi.stubGlobal('confirm', () => false);
    await reopen()!.trigger('click');
    await flushPromises();
    expect(net.calls.some((c) => c.method === 'POST')).toBe(false);

    vi.stubGlobal('confirm', () => true);
    await reopen()!.trigger('click');
    await flushPromises();
    expect(net.calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/sessions/s1/reopen']);
    expect(wrapper.get('[data-testid=live-code]').text()).toBe('K7M2QX');
    expect(reopen()).toBeUndefined();
    vi.unstubAllGlobals();
  });

  it('draws a large roster in chunks, and applies a burst of check-ins in one batch', async () => {
    connectSocket();
    const names = Array.from({ length: 250 }, (_, i) => `Student${String(i).padStart(3, '0')}`);
    const everyone = roster(names.map((n) => rosterEntry(n, null)));
    const net = fakeFetch({
      'GET /api/sessions/s1': { status: 200, body: session() },
      'GET /api/sessions/s1/attendance': [
        { status: 200, body: everyone },
        { status: 200, body: everyone },
      ],
      'GET /api/sessions/s1/codes/current': notFound,
    });
    const { wrapper } = await mountLive(net);
    const rows = () => wrapper.findAll('[data-testid=roster] li');
    // The first chunk at once, the rest in the following tasks.
    expect(rows().length).toBeLessThan(250);
    await vi.waitFor(() => expect(rows()).toHaveLength(250));
    expect(wrapper.get('[data-testid=roster-counts]').text()).toContain('250 Not checked in');

    // 100 check-ins arriving back to back: applied together in the next frame, not one redraw each.
    const last = rows().at(-1)!.element;
    for (const n of names.slice(100, 200))
      fakeSocket.serverEmit('attendance.submitted', {
        sessionId: 's1',
        studentId: `id-${n}`,
        fullName: n,
        checkedInAt: '2026-11-24T09:03:00.000Z',
        status: 'pending',
        flags: [],
      });
    expect(wrapper.get('[data-testid=roster-counts]').text()).toContain('250 Not checked in');
    await vi.waitFor(() => expect(wrapper.get('[data-testid=roster-counts]').text()).toContain('100 Pending'));
    expect(rows()).toHaveLength(250);
    // Who awaits validation comes first, lit; the others keep their rows.
    expect(rows()[0]!.attributes('data-student')).toBe('student100@example.com');
    expect(rows()[0]!.classes()).toContain('list-group-item-success');
    expect(rows()[100]!.attributes('data-student')).toBe('student000@example.com');
    expect(rows().at(-1)!.element).toBe(last);
    // Events, not reads: the roster was read on mount and once the room was joined.
    expect(net.calls.filter((c) => c.path === '/api/sessions/s1/attendance')).toHaveLength(2);
  });
});
