import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '@/i18n';
import OfflineDataNotice from './OfflineDataNotice.vue';

const withI18n = { global: { plugins: [i18n] } };

describe('OfflineDataNotice', () => {
  afterEach(() => {
    i18n.global.locale.value = 'en';
  });

  it('says how old the data shown is, never "in 0 seconds", and nothing for fresh data', () => {
    i18n.global.locale.value = 'en';
    const now = Date.now();
    expect(mount(OfflineDataNotice, { props: { savedAt: now - 5 * 60_000 }, ...withI18n }).text()).toBe(
      'Offline: showing what was read 5 minutes ago.',
    );
    // Kept a moment ago (or a clock a little ahead): still in the past.
    expect(mount(OfflineDataNotice, { props: { savedAt: now + 2000 }, ...withI18n }).text()).toBe(
      'Offline: showing what was read 0 seconds ago.',
    );
    expect(
      mount(OfflineDataNotice, { props: { savedAt: null }, ...withI18n })
        .find('[role="status"]')
        .exists(),
    ).toBe(false);
  });

  it('in Portuguese', () => {
    i18n.global.locale.value = 'pt';
    const w = mount(OfflineDataNotice, { props: { savedAt: Date.now() - 2 * 3600_000 }, ...withI18n });
    expect(w.text()).toBe('Sem rede: a mostrar o que foi lido há 2 horas.');
  });
});
