import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeFetch, invalid, user } from '@/test/fake-fetch';
import { mountPage } from '@/test/mount';
import { useAuthStore } from '@/stores/auth';
import ApiKeysView from './ApiKeysView.vue';

enableAutoUnmount(afterEach);

const key = (name: string, over: Record<string, unknown> = {}) => ({
  id: `id-${name.replace(/\s+/g, '-')}`,
  name,
  scopes: ['attendance:read'],
  prefix: 'spk_AbCd1234',
  createdAt: '2026-11-01T10:00:00.000Z',
  expiresAt: null,
  lastUsedAt: null,
  ...over,
});

async function mountAs(role: 'admin' | 'teacher', net: ReturnType<typeof fakeFetch>) {
  const mounted = await mountPage(ApiKeysView, { path: '/admin/integrations', network: net });
  useAuthStore().$patch({ user: user({ role, fullName: 'Ada Admin' }) as never });
  await flushPromises();
  return mounted;
}

describe('ApiKeysView (useApiKeys)', () => {
  it('lists keys with scopes, owner and last use; admins see the owner column and the Integrations tabs', async () => {
    const net = fakeFetch({
      'GET /api/api-keys': {
        status: 200,
        body: {
          items: [
            key('SIS sync', {
              scopes: ['attendance:read', 'users:write'],
              owner: { id: 'u1', fullName: 'Teresa Tavares', email: 't@example.com' },
            }),
            key('Old script', { expiresAt: '2020-01-01T00:00:00.000Z' }),
          ],
        },
      },
    });
    const { wrapper } = await mountAs('admin', net);
    const rows = wrapper.findAll('[data-testid=keys-table] tbody tr');
    expect(rows.map((r) => r.attributes('data-key'))).toEqual(['SIS sync', 'Old script']);
    expect(rows[0]!.text()).toContain('attendance:read');
    expect(rows[0]!.text()).toContain('users:write');
    expect(rows[0]!.text()).toContain('Teresa Tavares');
    expect(rows[0]!.text()).toContain('never');
    expect(rows[1]!.text()).toContain('Expired');
    expect(wrapper.get('nav[aria-label="Integration pages"]').text()).toContain('Webhooks');
  });

  it('creates a key with the chosen scopes, shows the token once with a copy button, then forgets it', async () => {
    const token = 'spk_' + 'x'.repeat(43);
    const net = fakeFetch({
      'GET /api/api-keys': [
        { status: 200, body: { items: [] } },
        { status: 200, body: { items: [key('SIS sync')] } },
      ],
      'POST /api/api-keys': [
        invalid({ name: 'name must be shorter than or equal to 100 characters' }),
        { status: 201, body: { ...key('SIS sync', { scopes: ['attendance:read', 'courses:read'] }), token } },
      ],
    });
    const { wrapper } = await mountAs('teacher', net);
    expect(wrapper.text()).toContain('No API keys yet');
    // Teachers have no Integrations tabs and cannot give a key webhooks:manage.
    expect(wrapper.find('nav[aria-label="Integration pages"]').exists()).toBe(false);

    await wrapper.get('[data-testid=new-key]').trigger('click');
    await flushPromises();
    expect(wrapper.find('#k-scope-webhooks\\:manage').exists()).toBe(false);
    expect(wrapper.get('[data-testid=create-key]').attributes('disabled')).toBeDefined();
    await wrapper.get('#k-name').setValue('  SIS sync ');
    await wrapper.get('#k-scope-attendance\\:read').setValue(true);
    await wrapper.get('#k-scope-courses\\:read').setValue(true);
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('#k-name').classes()).toContain('is-invalid');

    await wrapper.get('#k-expires').setValue('2030-06-30');
    await wrapper.get('dialog form').trigger('submit');
    await flushPromises();
    const sent = JSON.parse(net.calls.filter((c) => c.method === 'POST')[1]!.body);
    expect(sent).toEqual({
      name: 'SIS sync',
      scopes: ['attendance:read', 'courses:read'],
      expiresAt: new Date('2030-06-30T23:59:59').toISOString(),
    });
    const shown = wrapper.get('[data-testid=new-token]');
    expect(shown.text()).toContain('Your new key “SIS sync”');
    expect(shown.text()).toContain('Shown only this once');
    expect((shown.get('input').element as HTMLInputElement).value).toBe(token);
    expect(shown.text()).toContain('Authorization: Bearer spk_');

    await shown.get('button.btn-primary').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid=new-token]').exists()).toBe(false);
    expect(wrapper.html()).not.toContain(token);
    expect(wrapper.findAll('[data-testid=keys-table] tbody tr')).toHaveLength(1);
  });

  it('revokes a key only after the confirmation, then re-reads the list', async () => {
    const net = fakeFetch({
      'GET /api/api-keys': [
        { status: 200, body: { items: [key('SIS sync')] } },
        { status: 200, body: { items: [] } },
      ],
      'DELETE /api/api-keys/id-SIS-sync': { status: 204 },
    });
    const { wrapper } = await mountAs('admin', net);
    await wrapper.get('button[aria-label="Revoke SIS sync"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('dialog[role=alertdialog]').text()).toContain('Revoke SIS sync?');
    expect(net.calls.some((c) => c.method === 'DELETE')).toBe(false);
    await wrapper.get('[data-testid=confirm-revoke]').trigger('click');
    await flushPromises();
    expect(net.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/api-keys',
      'DELETE /api/api-keys/id-SIS-sync',
      'GET /api/api-keys',
    ]);
    expect(wrapper.text()).toContain('No API keys yet');
  });
});
