import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { h, type Component } from 'vue';
import { createMemoryHistory, createRouter, RouterView } from 'vue-router';
import { setBaseFetch } from '@/api/http';
import { i18n } from '@/i18n';
import type { fakeFetch } from './fake-fetch';

/**
 * Mounts a page the way the app does (Pinia, English texts, a router at `path` matched by `pattern`, so route params
 * and queries work) on a scripted network, and waits for its first reads.
 */
export async function mountPage(
  page: Component,
  {
    path,
    pattern = path.split('?')[0]!,
    network,
  }: { path: string; pattern?: string; network: ReturnType<typeof fakeFetch> },
) {
  setBaseFetch(network.fn);
  i18n.global.locale.value = 'en';
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: pattern, component: page },
      { path: '/:rest(.*)*', component: { render: () => null } },
    ],
  });
  await router.push(path);
  await router.isReady();
  const wrapper = mount(
    { render: () => h(RouterView) },
    {
      global: { plugins: [createPinia(), i18n, router] },
      attachTo: document.body,
    },
  );
  await flushPromises();
  return { wrapper, router };
}
