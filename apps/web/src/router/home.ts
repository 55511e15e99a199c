import type { UserRole } from '@sysponto/contracts';

/** Where each role lands after signing in (its own module: the sign-in page, in the router's chunk, needs it too). */
export function homeFor(role: UserRole | null | undefined): string {
  return role === 'admin' ? '/admin' : role === 'teacher' ? '/teacher' : role === 'student' ? '/student' : '/login';
}
