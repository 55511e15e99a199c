import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import HolidaysView from './HolidaysView.vue';

enableAutoUnmount(afterEach);
afterEach(() => {
  vi.unstubAllGlobals();
});

const holiday = (date: string, name: string) => ({
  id: `h-${date}`,
  date,
  name,
  createdAt: '2026-11-01T10:00:00.000Z',
});

describe('HolidaysView (useHolidays, useHolidayEditing)', () => {
  it('adds a holiday typed as dd/mm/yyyy, offers to cancel the sessions already on it, and removes one', async () => {
    const session = {
      id: 's9',
      courseId: 'c1',
      courseCode: 'CS101',
      title: 'Lecture',
      startsAt: '2026-12-08T09:00:00.000Z',
      endsAt: '2026-12-08T10:30:00.000Z',
      timezone: 'Europe/Lisbon',
    };
    const net = fakeFetch({
      'GET /api/holidays': [
        { status: 200, body: { items: [holiday('2026-12-25', 'Natal')] } },
        {
          status: 200,
          body: { items: [holiday('2026-12-08', 'Imaculada Conceição'), holiday('2026-12-25', 'Natal')] },
        },
        { status: 200, body: { items: [holiday('2026-12-08', 'Imaculada Conceição')] } },
      ],
      'POST /api/holidays': {
        status: 201,
        body: { ...holiday('2026-12-08', 'Imaculada Conceição'), sessionsOnDate: [session] },
      },
      'POST /api/holidays/h-2026-12-08/cancel-sessions': { status: 200, body: { cancelled: 1 } },
      'DELETE /api/holidays/h-2026-12-25': { status: 204 },
    });
    const { wrapper } = await mountPage(HolidaysView, { path: '/admin/holidays', network: net });
    expect(wrapper.get('[data-testid=holidays]').text()).toContain('Natal');

    await wrapper.get('#h-date').setValue('08/12/2026');
    await wrapper.get('#h-name').setValue('  Imaculada Conceição ');
    await wrapper.get('[data-testid=holiday-form]').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls.find((c) => c.method === 'POST')!.body)).toEqual({
      date: '2026-12-08',
      name: 'Imaculada Conceição',
    });
    const offer = wrapper.get('[data-testid=holiday-offer]');
    expect(offer.text()).toContain('1 session is already planned on Imaculada Conceição: cancel it?');
    expect(offer.text()).toContain('CS101 · Lecture');
    await offer.get('button.btn-danger').trigger('click');
    await flushPromises();
    expect(net.calls.some((c) => c.path === '/api/holidays/h-2026-12-08/cancel-sessions')).toBe(true);
    expect(wrapper.find('[data-testid=holiday-offer]').exists()).toBe(false);

    vi.stubGlobal('confirm', () => true);
    await wrapper.get('button[aria-label="Remove the holiday Natal"]').trigger('click');
    await flushPromises();
    expect(net.calls.some((c) => c.method === 'DELETE' && c.path === '/api/holidays/h-2026-12-25')).toBe(true);
    expect(wrapper.get('[data-testid=holidays]').text()).not.toContain('Natal');
  });
});
