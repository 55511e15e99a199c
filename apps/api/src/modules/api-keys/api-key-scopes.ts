/** API key scopes: a key acts as its owner, narrowed to these. */
export const API_KEY_SCOPES = [
  'users:read',
  'users:write',
  'courses:read',
  'courses:write',
  'sessions:read',
  'sessions:write',
  'attendance:read',
  'attendance:write',
  'justifications:read',
  'justifications:write',
  'reports:read',
  'webhooks:manage',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * The one map from a route to the scope an API key needs for it (the guard enforces it; the OpenAPI document shows
 * it on every operation). First match wins. An area gives `<area>:read` for GET/HEAD and `<area>:write` otherwise;
 * a full scope applies to every method; `<scope>-only` allows reads alone. `null`: API keys may not call the route
 * (sign-in, key management, the caller's own notifications, password and audit trail need a person's session).
 * Routes not listed are not for keys either: a new area is given a scope here on purpose.
 */
const AREAS: [RegExp, string | null][] = [
  [/^\/api\/(auth|api-keys|notifications|audit-events)(\/|$)/, null],
  // The owner's own account: who am I (read) only; no password, profile or calendar-feed changes through a key.
  [/^\/api\/me$/, 'users:read-only'],
  [/^\/api\/me\/attendance(\/|$)/, 'attendance'],
  [/^\/api\/me\/sessions(\/|$)/, 'sessions'],
  [/^\/api\/me(\/|$)/, null],
  [/^\/api\/(webhooks|webhook-deliveries)(\/|$)/, 'webhooks:manage'],
  [/^\/api\/(attendance-records|check-ins)(\/|$)/, 'attendance'],
  [/^\/api\/sessions\/[^/]+\/(attendance|codes)(\/|$)/, 'attendance'],
  [/^\/api\/courses\/[^/]+\/import\//, 'attendance'],
  [/^\/api\/courses\/[^/]+\/sessions(\/|$)/, 'sessions'],
  [/^\/api\/(sessions|holidays)(\/|$)/, 'sessions'],
  [/^\/api\/courses(\/|$)/, 'courses'],
  [/^\/api\/users(\/|$)/, 'users'],
  [/^\/api\/justifications(\/|$)/, 'justifications'],
  [/^\/api\/reports(\/|$)/, 'reports'],
];

const isScope = (s: string): s is ApiKeyScope => (API_KEY_SCOPES as readonly string[]).includes(s);

/** `/api/sessions/{id}` (OpenAPI) and `/api/sessions/:id` (router) are the same route. */
export function requiredScope(method: string, path: string): ApiKeyScope | null {
  const route = path.replace(/\{[^}]+\}/g, ':p').split('?')[0];
  const read = method === 'GET' || method === 'HEAD';
  for (const [re, area] of AREAS) {
    if (!re.test(route)) continue;
    if (area === null) return null;
    if (area.endsWith('-only')) return read ? (area.slice(0, -'-only'.length) as ApiKeyScope) : null;
    if (area.includes(':')) return area as ApiKeyScope;
    const scope = `${area}:${read ? 'read' : 'write'}`;
    return isScope(scope) ? scope : null;
  }
  return null;
}
