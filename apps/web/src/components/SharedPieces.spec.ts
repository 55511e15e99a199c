import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref, shallowRef } from 'vue';
import { i18n } from '@/i18n';
import FormField from './FormField.vue';
import PagedList from './PagedList.vue';

const withI18n = { global: { plugins: [i18n] } };

describe('FormField', () => {
  it('labels its control and links the hint and the server message to it', async () => {
    i18n.global.locale.value = 'en';
    const error = ref<string | null>(null);
    const w = mount(
      defineComponent(
        () => () =>
          h(
            FormField,
            { id: 'u-email', label: 'Email', hint: 'Where mail goes', error: error.value, optional: true },
            {
              default: (field: Record<string, unknown>) =>
                h('input', { ...field, class: ['form-control', field.class] }),
            },
          ),
      ),
      withI18n,
    );
    const input = w.get('input');
    expect(w.get('label').attributes('for')).toBe('u-email');
    expect(w.get('label').text()).toBe('Email (optional)');
    expect(input.attributes('id')).toBe('u-email');
    expect(input.attributes('aria-describedby')).toBe('u-email-hint');
    expect(w.get('#u-email-hint').text()).toBe('Where mail goes');
    expect(input.attributes('aria-invalid')).toBeUndefined();

    error.value = 'email must be an email';
    await w.vm.$nextTick();
    expect(input.attributes('aria-describedby')).toBe('u-email-hint u-email-err');
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.classes()).toEqual(expect.arrayContaining(['form-control', 'is-invalid']));
    expect(w.get('#u-email-err').text()).toBe('email must be an email');
  });
});

describe('PagedList', () => {
  const pageOf = (items: string[], total = items.length) => ({ items, total, page: 1, pageSize: 2 });

  function mountList() {
    const list = {
      data: shallowRef<ReturnType<typeof pageOf> | undefined>(undefined),
      loading: ref(true),
      error: ref<string | null>(null),
      run: vi.fn(),
    };
    const page = ref(1);
    const w = mount(
      defineComponent(
        () => () =>
          h(
            PagedList<string>,
            {
              list,
              page: page.value,
              'onUpdate:page': (p: number) => (page.value = p),
              emptyIcon: 'bi-inbox',
              emptyTitle: 'Nothing here',
            },
            {
              default: ({ items }: { items: string[] }) =>
                h(
                  'ul',
                  items.map((i) => h('li', i)),
                ),
            },
          ),
      ),
      withI18n,
    );
    return { w, list, page };
  }

  it('shows the spinner, then the items with a pager, the empty state, and the error with a retry', async () => {
    i18n.global.locale.value = 'en';
    const { w, list, page } = mountList();
    expect(w.get('[role=status]').text()).toBe('Loading…');

    list.data.value = pageOf(['Ana', 'Rui'], 5);
    list.loading.value = false;
    await w.vm.$nextTick();
    expect(w.findAll('li').map((li) => li.text())).toEqual(['Ana', 'Rui']);
    expect(w.get('nav').text()).toContain('Page 1 of 3');
    await w.get('nav button:last-child').trigger('click');
    expect(page.value).toBe(2);

    list.data.value = pageOf([]);
    await w.vm.$nextTick();
    expect(w.find('li').exists()).toBe(false);
    expect(w.text()).toContain('Nothing here');

    list.error.value = 'The server did not answer.';
    await w.vm.$nextTick();
    expect(w.get('[role=alert]').text()).toContain('The server did not answer.');
    await w.get('[role=alert] button').trigger('click');
    expect(list.run).toHaveBeenCalledOnce();
  });
});
