/**
 * English texts of the offline features and the installable app (beside en.ts; merged in index.ts). Every key here
 * must exist in pt-offline.ts too (typed).
 */
export const enOffline = {
  offline: {
    banner: 'You are offline.',
    bannerHint:
      'SysPonto keeps working with what it last read; your changes are kept on this device and sent when the network returns.',
    pending: 'No change waiting to be sent | 1 change waiting to be sent | {count} changes waiting to be sent',
    syncing: 'Sending the changes made offline…',
    synced: 'No change was sent | 1 change made offline was sent | {count} changes made offline were sent',
    savedAt: 'Offline: showing what was read {age}.',
    pendingSync: 'Pending sync',
    pendingSyncHint: 'Saved on this device; sent when the network returns.',
    needsNetwork: 'Needs the network',
    refusedTitle: 'Not applied by the server',
    refused: '{name}: {status} was not applied — {reason}',
    conflict:
      '{name}: your offline change ({status}) was not applied, because {current} was recorded later ({time}). Check it.',
    conflictNone: 'nothing',
    dismiss: 'Dismiss',
    rollCall: 'Roll call',
    rollCallHint: 'Mark each student present, late or absent — works without a network.',
    mark: { present: 'Mark {name} present', late: 'Mark {name} late', absent: 'Mark {name} absent' },
    short: { present: 'P', late: 'L', absent: 'A' },
    queuedChange: 'Saved offline: {name} → {status}. It will be sent when you are back online.',
    checkIn: {
      queued: 'Queued — will be sent when you are back online.',
      queuedHint:
        'Keep SysPonto open (or open it again) once you have a network. Your teacher decides if it is too late.',
      sent: 'Your queued check-in was sent.',
      refused: 'Your queued check-in was not accepted: {reason}',
      askTeacher: 'The code was no longer valid when your check-in arrived. Ask your teacher to mark you present.',
    },
  },
  pwa: {
    updateReady: 'A new version of SysPonto is available.',
    updateNow: 'Reload to update',
    later: 'Later',
    offlineReady: 'SysPonto is ready to work offline.',
  },
  errors: {
    attendance: {
      'offline-conflict': 'This attendance was changed after your offline change was made; the later change was kept.',
    },
    idempotency: {
      'key-reused': 'This change was already sent with different content.',
      'in-progress': 'This change is still being processed. Try again in a moment.',
      'key-invalid': 'The change could not be sent (invalid key).',
    },
  },
};

export type OfflineMessages = typeof enOffline;
