import { requiredScope } from './api-key-scopes.js';

describe('API key scope of a route', () => {
  it.each([
    ['GET', '/api/attendance-records', 'attendance:read'],
    ['POST', '/api/check-ins', 'attendance:write'],
    ['PATCH', '/api/sessions/:id/attendance/:studentId', 'attendance:write'],
    ['GET', '/api/sessions/{id}/attendance', 'attendance:read'],
    ['POST', '/api/courses/:id/sessions', 'sessions:write'],
    ['GET', '/api/sessions/:id', 'sessions:read'],
    ['POST', '/api/courses/:id/enrollments', 'courses:write'],
    ['GET', '/api/courses', 'courses:read'],
    ['POST', '/api/users/import', 'users:write'],
    ['GET', '/api/reports/courses/:id', 'reports:read'],
    ['DELETE', '/api/webhooks/:id', 'webhooks:manage'],
    ['GET', '/api/webhooks', 'webhooks:manage'],
    ['POST', '/api/courses/:id/import/moodle-attendance', 'attendance:write'],
    ['GET', '/api/me', 'users:read'],
    ['GET', '/api/me/attendance', 'attendance:read'],
    ['GET', '/api/me/sessions', 'sessions:read'],
    ['POST', '/api/sessions/:id/reopen', 'sessions:write'],
    ['DELETE', '/api/sessions/:id/attendance/:studentId/flags/:flag', 'attendance:write'],
    ['POST', '/api/justifications/:id/review', 'justifications:write'],
    ['POST', '/api/webhook-deliveries/:id/retry', 'webhooks:manage'],
    ['GET', '/api/holidays', 'sessions:read'],
  ])('%s %s needs %s', (method, path, scope) => {
    expect(requiredScope(method, path)).toBe(scope);
  });

  it.each([
    ['POST', '/api/api-keys'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/notifications'],
    ['POST', '/api/reports/courses/:id'],
    ['PATCH', '/api/me'],
    ['POST', '/api/me/password'],
    ['POST', '/api/me/calendar-feed/regenerate'],
    ['GET', '/api/audit-events'],
    ['POST', '/api/auth/password-reset'],
    ['GET', '/api/something-new'],
  ])('%s %s is not for API keys', (method, path) => {
    expect(requiredScope(method, path)).toBeNull();
  });
});
