import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../../config/app-config.js';

export const REFRESH_COOKIE = 'sysponto_rt';
const PATH = '/api/auth';

/** The refresh token travels to browsers only as an httpOnly, SameSite=Strict cookie scoped to /api/auth. */
export function setRefreshCookie(reply: FastifyReply, config: AppConfig, token: string) {
  void reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.isProduction || config.publicUrl.startsWith('https:'),
    path: PATH,
    maxAge: config.refreshTokenTtlDays * 86400,
  });
}

export function clearRefreshCookie(reply: FastifyReply) {
  void reply.clearCookie(REFRESH_COOKIE, { path: PATH });
}
