import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { course, fakeFetch, page, session } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import CourseView from './CourseView.vue';

enableAutoUnmount(afterEach);

const at = { path: '/teacher/courses/id-CS101', pattern: '/teacher/courses/:id' };
const enrollment = (fullName: string) => ({
  studentId: `id-${fullName}`,
  fullName,
  email: `${fullName.toLowerCase()}@example.com`,
  studentNumber: null,
  source: 'join-code',
  enrolledAt: '2026-01-01T00:00:00.000Z',
});

describe('CourseView (useCourse, useCourseSessions, useEnrollments)', () => {
  it('shows upcoming sessions, then the past ones from page 1', async () => {
    const net = fakeFetch({
      'GET /api/courses/id-CS101': {
        status: 200,
        body: course('CS101', { joinCode: 'JOIN42', joinCodeEnabled: true }),
      },
      'GET /api/courses/id-CS101/sessions': [
        { status: 200, body: page([session({ id: 's-next', title: 'Next one' })], { pageSize: 15 }) },
        { status: 200, body: page([session({ id: 's-old', title: 'Old one', state: 'closed' })], { pageSize: 15 }) },
      ],
      'GET /api/courses/id-CS101/enrollments': { status: 200, body: page([]) },
    });
    const { wrapper } = await mountPage(CourseView, { ...at, network: net });
    expect(wrapper.get('h1').text()).toBe('CS101 · Course CS101');
    expect(wrapper.get('[role=tabpanel]').text()).toContain('Next one');
    const sessionsRead = () => net.calls.filter((c) => c.path.endsWith('/sessions')).map((c) => c.query);
    expect(Object.keys(sessionsRead()[0]!).sort()).toEqual(['from', 'page', 'pageSize']);

    await wrapper.findAll('[role=tabpanel] .btn-group button')[1]!.trigger('click');
    await flushPromises();
    expect(wrapper.get('[role=tabpanel]').text()).toContain('Old one');
    expect(Object.keys(sessionsRead()[1]!).sort()).toEqual(['page', 'pageSize', 'to']);
  });

  it('lists the students and turns the join code off (the course is read again)', async () => {
    const net = fakeFetch({
      'GET /api/courses/id-CS101': [
        { status: 200, body: course('CS101', { joinCode: 'JOIN42', joinCodeEnabled: true }) },
        { status: 200, body: course('CS101', { joinCode: 'JOIN42', joinCodeEnabled: false }) },
      ],
      'GET /api/courses/id-CS101/sessions': { status: 200, body: page([]) },
      'GET /api/courses/id-CS101/enrollments': { status: 200, body: page([enrollment('Sara')]) },
      'PATCH /api/courses/id-CS101/join-code': { status: 200, body: { enabled: false } },
    });
    const { wrapper } = await mountPage(CourseView, { ...at, path: `${at.path}?tab=students`, network: net });
    expect(wrapper.get('[role=tabpanel]').text()).toContain('sara@example.com · with the join code');
    expect(wrapper.get('[data-testid=join-code]').text()).toBe('JOIN42');

    await wrapper.get('#join-enabled').setValue(false);
    await flushPromises();
    expect(JSON.parse(net.calls.find((c) => c.method === 'PATCH')!.body)).toEqual({ enabled: false });
    expect(net.calls.filter((c) => c.path === '/api/courses/id-CS101')).toHaveLength(2);
    expect((wrapper.get('#join-enabled').element as HTMLInputElement).checked).toBe(false);
  });
});
