import type { Schemas } from '@sysponto/client';
import { auditActionsByTarget } from '@sysponto/contracts';
import { computed, reactive } from 'vue';
import { api, unwrap } from '@/api/client';
import { downloadFile } from '@/api/download';
import { useAction, usePagedList } from './use-async';

export type AuditEvent = Schemas['AuditEventDto'];

/** What the trail records, by target type (the API takes a type alone for all of its actions). */
export const AUDIT_TARGETS = auditActionsByTarget();

/** A local calendar day (`YYYY-MM-DD`) as the instant it starts, `days` later. */
function dayStart(day: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + days).toISOString();
}

/**
 * The admin's audit trail: filters (actor id or email, an action or a whole target type, a target id, a day range
 * in local time, `to` inclusive), the page of events newest first, and the CSV export of the same filters.
 */
export function useAuditEvents(pageSize = 25) {
  const filters = reactive({ actor: '', action: '', targetId: '', from: '', to: '' });
  const query = computed(() => ({
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.targetId.trim() ? { targetId: filters.targetId.trim() } : {}),
    ...(filters.from ? { from: dayStart(filters.from) } : {}),
    ...(filters.to ? { to: dayStart(filters.to, 1) } : {}),
  }));
  const list = usePagedList(
    (page) => unwrap(api.GET('/api/audit-events', { params: { query: { page, pageSize, ...query.value } } })),
    {
      filters: [() => filters.action, () => filters.from, () => filters.to],
      typed: [() => filters.actor, () => filters.targetId],
    },
  );
  const exporting = useAction();
  function exportCsv() {
    const qs = new URLSearchParams(query.value).toString();
    return exporting.run(() => downloadFile(`/api/audit-events/export.csv${qs ? `?${qs}` : ''}`, 'audit.csv'));
  }
  return { filters, list, exporting, exportCsv };
}
