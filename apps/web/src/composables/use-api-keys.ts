import type { Schemas } from '@sysponto/client';
import { api, unwrap } from '@/api/client';
import { useAction, useAsync } from './use-async';
import { onMounted } from 'vue';

export type ApiKey = Schemas['ApiKeyDto'];
export type CreatedApiKey = Schemas['CreatedApiKeyDto'];
export type ApiKeyScope = Schemas['ApiKeyScope'];

/** Every scope, in the order the form shows them (typed against the OpenAPI enum: a missing one fails typecheck). */
const SCOPES: Record<ApiKeyScope, true> = {
  'users:read': true,
  'users:write': true,
  'courses:read': true,
  'courses:write': true,
  'sessions:read': true,
  'sessions:write': true,
  'attendance:read': true,
  'attendance:write': true,
  'justifications:read': true,
  'justifications:write': true,
  'reports:read': true,
  'webhooks:manage': true,
};
export const API_KEY_SCOPES = Object.keys(SCOPES) as ApiKeyScope[];

export interface ApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  /** `yyyy-mm-dd` (the key stops working at the end of that day, local time) or empty for never */
  expiresOn: string;
}

/**
 * My API keys (admins: everyone's, with the owner), read on mount; `create` answers the new key with its one-time
 * `token`, `revoke` deletes one. Each change re-reads the list.
 */
export function useApiKeys() {
  const list = useAsync(async () => (await unwrap(api.GET('/api/api-keys'))).items);
  const editor = useAction();
  const act = useAction();
  onMounted(list.run);

  async function create(input: ApiKeyInput): Promise<CreatedApiKey | undefined> {
    const expiresAt = input.expiresOn ? new Date(`${input.expiresOn}T23:59:59`).toISOString() : undefined;
    const body = { name: input.name.trim(), scopes: input.scopes, ...(expiresAt ? { expiresAt } : {}) };
    const key = await editor.run(() => unwrap(api.POST('/api/api-keys', { body })));
    if (key) void list.run();
    return key;
  }

  async function revoke(key: ApiKey): Promise<boolean> {
    const ok = await act.run(async () => {
      await unwrap(api.DELETE('/api/api-keys/{id}', { params: { path: { id: key.id } } }));
      return true;
    });
    if (ok) void list.run();
    return !!ok;
  }

  return { list, editor, act, create, revoke };
}
