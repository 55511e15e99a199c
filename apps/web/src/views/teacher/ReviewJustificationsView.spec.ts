import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { course, fakeFetch, justification, page } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { mountPage } from '@/test/mount';
import ReviewJustificationsView from './ReviewJustificationsView.vue';

enableAutoUnmount(afterEach);

const j = (id: string, studentName: string, over: Record<string, unknown> = {}) =>
  justification(id, { studentName, ...over });

describe('ReviewJustificationsView (useJustificationReview, useMyCourses)', () => {
  it('opens the linked one even off the page, approves it and moves on to the next pending one', async () => {
    const net = fakeFetch({
      'GET /api/courses': { status: 200, body: page([course('CS101')]) },
      'GET /api/justifications': [
        { status: 200, body: page([j('j1', 'Ana'), j('j2', 'Bruno')]) },
        { status: 200, body: page([j('j2', 'Bruno')]) },
      ],
      'GET /api/justifications/j9': { status: 200, body: j('j9', 'Zé', { reason: 'Linked one' }) },
      'POST /api/justifications/j9/review': { status: 200, body: j('j9', 'Zé', { status: 'approved' }) },
    });
    const { wrapper } = await mountPage(ReviewJustificationsView, {
      path: '/teacher/justifications?id=j9',
      network: net,
    });
    expect(wrapper.get('#r-course').text()).toContain('CS101 · Course CS101');
    expect(wrapper.get('#r-detail').text()).toContain('Zé');
    expect(wrapper.get('blockquote').text()).toBe('Linked one');

    await wrapper.get('#r-comment').setValue('  Fine.  ');
    await wrapper.get('[data-testid=approve]').trigger('click');
    await flushPromises();
    expect(JSON.parse(net.calls.find((c) => c.method === 'POST')!.body)).toEqual({
      decision: 'approved',
      comment: 'Fine.',
    });
    expect(wrapper.get('#r-detail').text()).toContain('Bruno');
  });

  it('filters by status at once and by student after a pause in typing, and re-reads on a new submission', async () => {
    const net = fakeFetch({
      'GET /api/courses': { status: 200, body: page([]) },
      'GET /api/justifications': { status: 200, body: page([]) },
    });
    const { wrapper } = await mountPage(ReviewJustificationsView, { path: '/teacher/justifications', network: net });
    expect(wrapper.text()).toContain('Nothing to review. Well done!');
    await wrapper.get('#r-status').setValue('');
    await flushPromises();
    await wrapper.get('#r-search').setValue('S0001');
    await new Promise((r) => setTimeout(r, 350));
    await flushPromises();
    fakeSocket.serverEmit('justification.submitted', {
      justificationId: 'j3',
      sessionId: 's1',
      courseId: 'c1',
      studentId: 'u1',
      fullName: 'Sara',
      type: 'late',
    });
    await flushPromises();
    expect(net.calls.filter((c) => c.path === '/api/justifications').map((c) => c.query)).toEqual([
      { page: '1', pageSize: '15', status: 'pending' },
      { page: '1', pageSize: '15' },
      { page: '1', pageSize: '15', search: 'S0001' },
      { page: '1', pageSize: '15', search: 'S0001' },
    ]);
    expect(wrapper.text()).toContain('No justifications match');
  });
});
