import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import CourseReportView from './CourseReportView.vue';

enableAutoUnmount(afterEach);
afterEach(() => vi.restoreAllMocks());

const report = (over: Record<string, unknown> = {}) => ({
  course: { id: 'c1', code: 'CS101', name: 'Introduction to Programming', timezone: 'Europe/Lisbon' },
  scope: 'course',
  from: null,
  to: null,
  generatedAt: '2026-11-24T12:00:00.000Z',
  rate: 0.8,
  warningThreshold: 0.75,
  totals: { heldSessions: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0 },
  series: { rateOverTime: [], statusMix: [], weekdays: [], hours: [], checkInDistribution: [], atRisk: [] },
  checkInBuckets: [],
  sessions: [],
  students: [
    {
      studentId: 'u1',
      fullName: 'Sara Student',
      studentNumber: 'S0001',
      rate: 0.5,
      present: 1,
      late: 0,
      absent: 1,
      excused: 0,
      atRisk: true,
      trend: null,
    },
  ],
  ...over,
});

describe('CourseReportView (useCourseReport)', () => {
  it('reads the report for the chosen dates and downloads the export over the same range', async () => {
    const net = fakeFetch({
      'GET /api/reports/courses/c1': [
        { status: 200, body: report() },
        { status: 200, body: report({ rate: 0.9 }) },
      ],
      'GET /api/reports/courses/c1/attendance.csv': () =>
        new Response('a,b\n', { status: 200, headers: { 'content-disposition': 'attachment; filename="cs101.csv"' } }),
    });
    const { wrapper } = await mountPage(CourseReportView, {
      path: '/teacher/courses/c1/report',
      pattern: '/teacher/courses/:id/report',
      network: net,
    });
    expect(wrapper.get('h1').text()).toBe('Report · CS101 Introduction to Programming');
    expect(wrapper.get('tbody tr').classes()).toContain('table-danger');

    await wrapper.get('#rf').setValue('2026-09-01');
    await wrapper.get('#rf').trigger('change');
    await flushPromises();
    expect(net.calls.at(-1)!.query).toEqual({ from: '2026-09-01' });
    expect(wrapper.text()).toContain('90%');

    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:report');
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await wrapper.findAll('.btn-group button')[0]!.trigger('click');
    await flushPromises();
    expect(net.calls.at(-1)).toMatchObject({
      path: '/api/reports/courses/c1/attendance.csv',
      query: { from: '2026-09-01' },
    });
    expect(clicked).toEqual(['cs101.csv']);
  });
});
