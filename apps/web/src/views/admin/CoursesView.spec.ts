import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { course, fakeFetch, invalid, page } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import CoursesView from './CoursesView.vue';

enableAutoUnmount(afterEach);

describe('CoursesView (useCourses, useDialog)', () => {
  it('creates a course from the dialog (code in capitals) and opens its schedule', async () => {
    const net = fakeFetch({
      'GET /api/courses': { status: 200, body: page([course('CS101')]) },
      'POST /api/courses': [
        invalid({ timezone: 'timezone must be a valid IANA time zone' }),
        { status: 201, body: course('NEW1') },
      ],
    });
    const { wrapper, router } = await mountPage(CoursesView, { path: '/admin/courses', network: net });
    expect(wrapper.get('tbody').text()).toContain('CS101');
    expect(wrapper.get('tbody').text()).toContain('Teresa Tavares');

    await wrapper.get('.btn-primary').trigger('click');
    await flushPromises();
    await wrapper.get('#nc-code').setValue(' new1 ');
    await wrapper.get('#nc-name').setValue('New course');
    await wrapper.get('#nc-tz').setValue('Mars/Olympus');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#nc-tz').classes()).toContain('is-invalid');
    expect(wrapper.get('dialog').text()).toContain('timezone must be a valid IANA time zone');

    await wrapper.get('#nc-tz').setValue('Europe/Lisbon');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls.filter((c) => c.method === 'POST')[1]!.body)).toEqual({
      code: 'NEW1',
      name: 'New course',
      timezone: 'Europe/Lisbon',
      teacherIds: [],
    });
    expect(router.currentRoute.value.fullPath).toBe('/teacher/courses/id-NEW1?tab=schedule');
  });
});
