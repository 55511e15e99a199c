import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeFetch, invalid, page, user } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import UsersView from './UsersView.vue';

enableAutoUnmount(afterEach);

const ana = user({ id: 'u-ana', email: 'ana@example.com', fullName: 'Ana Almeida' });
const rui = user({
  id: 'u-rui',
  email: 'rui@example.com',
  fullName: 'Rui Ramos',
  role: 'teacher',
  studentNumber: null,
});
const typingPause = () => new Promise((r) => setTimeout(r, 350));

describe('UsersView (useUsers, useDialog)', () => {
  it('reads the list, a role filter at once and a search after a pause in typing, from page 1', async () => {
    const net = fakeFetch({
      'GET /api/users': [
        { status: 200, body: page([ana, rui], { total: 45 }) },
        { status: 200, body: page([rui], { page: 2, total: 45 }) },
        { status: 200, body: page([rui]) },
        { status: 200, body: page([]) },
      ],
    });
    const { wrapper } = await mountPage(UsersView, { path: '/admin/users', network: net });
    const rows = () => wrapper.findAll('[data-testid=users-table] tbody tr').map((r) => r.attributes('data-email'));
    expect(rows()).toEqual(['ana@example.com', 'rui@example.com']);

    await wrapper.get('nav[aria-label] button:last-child').trigger('click');
    await flushPromises();
    await wrapper.get('#u-role').setValue('teacher');
    await flushPromises();
    expect(rows()).toEqual(['rui@example.com']);

    await wrapper.get('#u-search').setValue('zz');
    await flushPromises();
    expect(net.calls).toHaveLength(3);
    await typingPause();
    await flushPromises();
    expect(net.calls.map((c) => c.query)).toEqual([
      { page: '1', pageSize: '20' },
      { page: '2', pageSize: '20' },
      { page: '1', pageSize: '20', role: 'teacher' },
      { page: '1', pageSize: '20', role: 'teacher', search: 'zz' },
    ]);
    expect(wrapper.text()).toContain('No users match');
  });

  it('creates a user in the dialog: field errors under the fields, then the one-time password, shown once', async () => {
    const net = fakeFetch({
      'GET /api/users': { status: 200, body: page([ana]) },
      'POST /api/users': [
        invalid({ email: 'email must be an email' }),
        { status: 201, body: { user: rui, temporaryPassword: 'Temp-Pass-42x' } },
      ],
    });
    const { wrapper } = await mountPage(UsersView, { path: '/admin/users', network: net });
    await wrapper.get('[data-testid=new-user]').trigger('click');
    await flushPromises();
    expect(document.activeElement?.id).toBe('u-fullName');
    await wrapper.get('#u-fullName').setValue('Rui Ramos');
    await wrapper.get('#u-email').setValue('rui');
    await wrapper.get('#u-role-edit').setValue('teacher');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#u-email').classes()).toContain('is-invalid');
    expect(wrapper.get('#u-email-err').text()).toBe('email must be an email');

    await wrapper.get('#u-email').setValue(' rui@example.com ');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(JSON.parse(net.calls.filter((c) => c.method === 'POST')[1]!.body)).toEqual({
      email: 'rui@example.com',
      fullName: 'Rui Ramos',
      role: 'teacher',
    });
    const shown = wrapper.get('[data-testid=temp-password]');
    expect(shown.text()).toContain('Temporary password for rui@example.com');
    expect((shown.get('input').element as HTMLInputElement).value).toBe('Temp-Pass-42x');
    expect(net.calls.filter((c) => c.path === '/api/users' && c.method === 'GET')).toHaveLength(2);

    await shown.get('button.btn-primary').trigger('click');
    expect(wrapper.find('[data-testid=temp-password]').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.get('[data-testid=new-user]').element);
  });

  it('deletes a user only after the confirmation, then re-reads the list', async () => {
    const net = fakeFetch({
      'GET /api/users': [
        { status: 200, body: page([ana]) },
        { status: 200, body: page([]) },
      ],
      'DELETE /api/users/u-ana': { status: 204 },
    });
    const { wrapper } = await mountPage(UsersView, { path: '/admin/users', network: net });
    await wrapper.get('button[aria-label="Delete Ana Almeida"]').trigger('click');
    await flushPromises();
    const confirm = wrapper.get('dialog[role=alertdialog]');
    expect(confirm.text()).toContain('Delete Ana Almeida?');
    expect(net.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await wrapper.get('[data-testid=confirm-delete]').trigger('click');
    await flushPromises();
    expect(net.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/users',
      'DELETE /api/users/u-ana',
      'GET /api/users',
    ]);
    expect((confirm.element as HTMLDialogElement).open).toBe(false);
    expect(wrapper.text()).toContain('No users match');
  });

  it('offers deactivation or anonymizing when the user has attendance history', async () => {
    const history = {
      status: 409,
      body: {
        statusCode: 409,
        code: 'users/has-history',
        message: 'This user has attendance history.',
        details: { attendanceRecords: 3, justifications: 0, taughtSessions: 0 },
      },
    };
    const net = fakeFetch({
      'GET /api/users': [
        { status: 200, body: page([ana]) },
        { status: 200, body: page([{ ...ana, fullName: 'Anonymized user 1a2b3c4d', active: false }]) },
      ],
      'DELETE /api/users/u-ana': [history, { status: 204 }],
    });
    const { wrapper } = await mountPage(UsersView, { path: '/admin/users', network: net });
    await wrapper.get('button[aria-label="Delete Ana Almeida"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid=confirm-delete]').trigger('click');
    await flushPromises();
    const confirm = wrapper.get('dialog[role=alertdialog]');
    expect((confirm.element as HTMLDialogElement).open).toBe(true);
    expect(confirm.text()).toContain('has attendance history');
    expect(confirm.find('[role=alert]').exists()).toBe(false);
    expect(confirm.get('[data-testid=deactivate-instead]').text()).toBe('Deactivate');

    await wrapper.get('[data-testid=confirm-anonymize]').trigger('click');
    await flushPromises();
    const deletes = net.calls.filter((c) => c.method === 'DELETE');
    expect(deletes.map((c) => c.query)).toEqual([{}, { anonymize: 'true' }]);
    expect((confirm.element as HTMLDialogElement).open).toBe(false);
    expect(wrapper.text()).toContain('Anonymized user 1a2b3c4d');
  });

  it('deactivates instead of deleting a user with history', async () => {
    const net = fakeFetch({
      'GET /api/users': [
        { status: 200, body: page([ana]) },
        { status: 200, body: page([{ ...ana, active: false }]) },
      ],
      'DELETE /api/users/u-ana': {
        status: 409,
        body: { statusCode: 409, code: 'users/has-history', message: 'History.' },
      },
      'PATCH /api/users/u-ana': { status: 200, body: { ...ana, active: false } },
    });
    const { wrapper } = await mountPage(UsersView, { path: '/admin/users', network: net });
    await wrapper.get('button[aria-label="Delete Ana Almeida"]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid=confirm-delete]').trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid=deactivate-instead]').trigger('click');
    await flushPromises();
    const patch = net.calls.find((c) => c.method === 'PATCH')!;
    expect(JSON.parse(patch.body)).toEqual({ active: false });
    expect(net.calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
    expect((wrapper.get('dialog[role=alertdialog]').element as HTMLDialogElement).open).toBe(false);
  });
});
