import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('socket.io-client', () => import('@/test/fake-socket'));

import { course, fakeFetch, justification, page, session } from '@/test/fake-fetch';
import { fakeSocket } from '@/test/fake-socket';
import { mountPage } from '@/test/mount';
import TeacherDashboardView from './TeacherDashboardView.vue';

enableAutoUnmount(afterEach);

describe('TeacherDashboardView (useMyCourses, useUpcomingSessions, usePendingReviewCount)', () => {
  it('lists my courses and today’s sessions; a new justification raises the “to review” badge', async () => {
    const net = fakeFetch({
      'GET /api/courses': { status: 200, body: page([course('CS101')]) },
      'GET /api/me/sessions': { status: 200, body: page([session({ startsAt: new Date().toISOString() })]) },
      'GET /api/justifications': [
        { status: 200, body: page([], { total: 0 }) },
        { status: 200, body: page([justification('j1')], { total: 1 }) },
      ],
    });
    const { wrapper } = await mountPage(TeacherDashboardView, { path: '/teacher', network: net });
    expect(wrapper.get('[aria-labelledby=t-courses]').text()).toContain('CS101 · Course CS101');
    expect(wrapper.get('[aria-labelledby=t-today]').text()).toContain('CS101');
    expect(wrapper.find('a[href="/teacher/justifications"] .badge').exists()).toBe(false);

    fakeSocket.serverEmit('justification.submitted', {
      justificationId: 'j1',
      sessionId: 's1',
      courseId: 'c1',
      studentId: 'u1',
      fullName: 'Sara',
      type: 'absence',
    });
    await flushPromises();
    expect(wrapper.get('a[href="/teacher/justifications"] .badge').text()).toBe('1');
  });
});
