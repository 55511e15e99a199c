import { mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref, shallowRef } from 'vue';
import { i18n } from '@/i18n';
import { useConfirm } from '@/composables/use-confirm';
import ConfirmDialog from './ConfirmDialog.vue';
import FormField from './FormField.vue';
import SecretOnce from './SecretOnce.vue';
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

describe('SecretOnce', () => {
  it('shows the secret read-only with its name, copies it, and closes', async () => {
    i18n.global.locale.value = 'en';
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const w = mount(SecretOnce, {
      ...withI18n,
      props: {
        headingId: 'x-title',
        title: 'API key created',
        hint: 'Shown only now.',
        value: 'spk_secret',
        label: 'Token',
        copyLabel: 'Copy',
        copiedLabel: 'Copied',
        copyTestid: 'copy-it',
      },
    });
    expect(w.get('h2').attributes('id')).toBe('x-title');
    const input = w.get('input');
    expect(input.attributes('aria-label')).toBe('Token');
    expect(input.attributes('readonly')).toBeDefined();
    expect((input.element as HTMLInputElement).value).toBe('spk_secret');
    const copy = w.get('[data-testid=copy-it]');
    expect(copy.text()).toBe('Copy');
    await copy.trigger('click');
    await vi.waitFor(() => expect(copy.text()).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith('spk_secret');
    await w.get('button.btn-primary').trigger('click');
    expect(w.emitted('close')).toHaveLength(1);
  });
});

describe('ConfirmDialog', () => {
  it('is an alertdialog named and described by its text; the red button confirms unless busy', async () => {
    i18n.global.locale.value = 'en';
    const action = { busy: ref(false), error: ref<string | null>('Not allowed.'), reset: vi.fn() };
    const onConfirm = vi.fn();
    const Host = defineComponent(() => {
      const flow = useConfirm<{ name: string }>(action);
      return () => [
        h('button', { id: 'open', onClick: (e: Event) => flow.ask({ name: 'Ana' }, e) }, 'Delete'),
        h(ConfirmDialog, {
          id: 'x-del',
          flow,
          title: 'Delete Ana?',
          body: 'This cannot be undone.',
          confirmLabel: 'Delete',
          testid: 'confirm-it',
          onConfirm,
        }),
      ];
    });
    const w = mount(Host, { ...withI18n, attachTo: document.body });
    await w.get('#open').trigger('click');
    expect(action.reset).toHaveBeenCalledOnce();
    const dialog = w.get('dialog');
    expect(dialog.attributes()).toMatchObject({
      role: 'alertdialog',
      'aria-labelledby': 'x-del-title',
      'aria-describedby': 'x-del-body',
    });
    expect(w.get('#x-del-title').text()).toBe('Delete Ana?');
    expect(w.get('#x-del-body').text()).toBe('This cannot be undone.');
    expect(w.get('[role=alert]').text()).toBe('Not allowed.');
    await w.get('[data-testid=confirm-it]').trigger('click');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    action.busy.value = true;
    await w.vm.$nextTick();
    expect(w.get('[data-testid=confirm-it]').attributes('disabled')).toBeDefined();
    await w.get('.btn-outline-secondary').trigger('click');
    expect(w.find('#x-del-title').exists()).toBe(false);
    w.unmount();
  });
});
