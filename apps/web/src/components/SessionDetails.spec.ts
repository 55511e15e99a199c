import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { i18n } from '@/i18n';
import { session } from '@/test/fake-fetch';
import type { MySession } from '@/composables/use-sessions';
import SessionDetails from './SessionDetails.vue';

const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: {} }] });
const details = (over: Partial<MySession>) => {
  i18n.global.locale.value = 'en';
  const s = { ...session(), myStatus: null, myJustification: null, canJustify: false, ...over } as MySession;
  return mount(SessionDetails, { props: { session: s }, global: { plugins: [i18n, router] } });
};
const actions = (w: ReturnType<typeof details>) => w.findAll('a, button').map((b) => b.text());

describe('SessionDetails (the calendar: a session, then only the actions that apply)', () => {
  it('shows the time, the room and my status, and offers justifying only when the server allows it', () => {
    const w = details({ state: 'closed', myStatus: 'absent', canJustify: true });
    expect(w.text()).toContain('CS101 · Lecture');
    expect(w.text()).toContain('B2.04');
    expect(w.text()).toContain('(Europe/Lisbon)');
    expect(w.get('[data-testid=my-status]').text()).toBe('Absent');
    expect(actions(w)).toEqual(['Justify', 'Close']);
    expect(w.get('a').attributes('href')).toBe('/student/justifications?sessionId=s1');

    // Already justified (the server says no): no Justify, the justification's state instead.
    const done = details({ state: 'closed', myStatus: 'absent', myJustification: 'pending', canJustify: false });
    expect(done.get('[data-testid=my-status]').text()).toContain('Justification: Pending');
    expect(actions(done)).toEqual(['Close']);
    // Present: nothing to do.
    expect(actions(details({ state: 'closed', myStatus: 'present' }))).toEqual(['Close']);
  });

  it('offers checking in while the session is open and I have not, and shows a pending check-in', () => {
    const open = details({ state: 'open', canJustify: true });
    expect(open.get('[data-testid=my-status]').text()).toBe('Not checked in');
    expect(actions(open)).toEqual(['Check in', 'Justify', 'Close']);
    const pending = details({ state: 'open', myStatus: 'pending', canJustify: true });
    expect(pending.get('[data-testid=my-status]').text()).toBe('Checked in · pending validation');
    expect(actions(pending)).toEqual(['Justify', 'Close']);
  });

  it('shows a cancelled session with its reason and nothing to do; a future one with nothing recorded yet', () => {
    const cancelled = details({ state: 'cancelled', cancelReason: 'Strike' } as Partial<MySession>);
    expect(cancelled.text()).toContain('Cancelled');
    expect(cancelled.text()).toContain('Strike');
    expect(cancelled.find('[data-testid=my-status]').exists()).toBe(false);
    expect(actions(cancelled)).toEqual(['Close']);
    const later = details({ state: 'scheduled', canJustify: true });
    expect(later.text()).toContain('Nothing recorded yet');
    expect(actions(later)).toEqual(['Justify', 'Close']);
  });

  it('speaks Portuguese', () => {
    const w = details({ state: 'open', myStatus: 'pending' });
    i18n.global.locale.value = 'pt';
    return w.vm.$nextTick().then(() => {
      expect(w.get('[data-testid=my-status]').text()).toBe('Presença registada · a aguardar validação');
      expect(actions(w)).toEqual(['Fechar']);
      i18n.global.locale.value = 'en';
    });
  });
});
