import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { i18n, setLocale } from '@/i18n';
import { formatDateInput, parseDateInput, parseTimeInput } from '@/composables/use-date-input';
import DateInput from './DateInput.vue';
import TimeInput from './TimeInput.vue';

describe('date and time fields in the UI language', () => {
  it('parses day/month/year and 24-hour times, and refuses what is not one', () => {
    expect(parseDateInput('30/03/2026')).toBe('2026-03-30');
    expect(parseDateInput('1.4.2026')).toBe('2026-04-01');
    expect(parseDateInput('2026-03-30')).toBe('2026-03-30');
    expect(parseDateInput('31/02/2026')).toBeNull();
    expect(parseDateInput('03/30/2026')).toBeNull();
    expect(formatDateInput('2026-03-30')).toBe('30/03/2026');
    expect(parseTimeInput('9')).toBe('09:00');
    expect(parseTimeInput('930')).toBe('09:30');
    expect(parseTimeInput('14h05')).toBe('14:05');
    expect(parseTimeInput('23:59')).toBe('23:59');
    expect(parseTimeInput('24:00')).toBeNull();
    expect(parseTimeInput('2:30 PM')).toBeNull();
  });

  it('shows the model as dd/mm/yyyy with a Portuguese placeholder, 24-hour time, and marks bad input', async () => {
    setLocale('pt');
    const date = mount(DateInput, {
      props: {
        id: 'd',
        modelValue: '2026-03-30',
        'onUpdate:modelValue': (v: string) => date.setProps({ modelValue: v }),
      },
      global: { plugins: [i18n] },
    });
    const input = date.get('input');
    expect((input.element as HTMLInputElement).value).toBe('30/03/2026');
    expect(input.attributes('placeholder')).toBe('dd/mm/aaaa');
    await input.setValue('02/04/2026');
    expect(date.props('modelValue')).toBe('2026-04-02');
    await input.setValue('45/04/2026');
    expect(date.props('modelValue')).toBe('');
    expect(input.classes()).toContain('is-invalid');

    const time = mount(TimeInput, {
      props: { id: 't', modelValue: '', 'onUpdate:modelValue': (v: string) => time.setProps({ modelValue: v }) },
      global: { plugins: [i18n] },
    });
    await time.get('input').setValue('1430');
    expect(time.props('modelValue')).toBe('14:30');
    await time.get('input').trigger('blur');
    expect((time.get('input').element as HTMLInputElement).value).toBe('14:30');
    setLocale('en');
  });
});
