import { watch } from 'vue';
import { useI18n } from 'vue-i18n';
import { useRoute, useRouter } from 'vue-router';
import { connectSocket, disconnectSocket, getSocket, onReconnect } from '@/realtime/socket';
import { useAuthStore } from '@/stores/auth';
import { useNotificationStore } from '@/stores/notifications';
import { attendanceToastKey, useToastStore } from '@/stores/toasts';
import { setLocale } from '@/i18n';

/**
 * App-wide live wiring: connect the socket after sign-in, keep the unread badge current, toast new notifications and
 * validations, and re-read the badge after a reconnect.
 */
export function useLiveUser(): void {
  const auth = useAuthStore();
  const notifications = useNotificationStore();
  const toasts = useToastStore();
  const { t } = useI18n();
  const socket = getSocket();
  const router = useRouter();
  const route = useRoute();

  // The session ended (refresh refused) → sign-in page, back here afterwards.
  watch(
    () => auth.expired,
    (expired) => {
      if (expired && !route.meta.public) void router.push({ name: 'login', query: { redirect: route.fullPath } });
    },
  );
  // The API asked for a password change (e.g. an admin reset it) → the profile's password form.
  watch(
    () => auth.mustChangePassword,
    (must) => {
      if (must && route.name !== 'profile')
        void router.push({ name: 'profile', query: { mustChange: '1', redirect: route.fullPath } });
    },
  );

  // A validation sends both attendance.updated and a notification: toast once.
  let lastAttendanceToast = 0;
  socket.on('notification.created', (n) => {
    notifications.received(n);
    if (n.type.startsWith('attendance') && Date.now() - lastAttendanceToast < 3000) return;
    toasts.push({
      title: n.title,
      body: n.body,
      link: n.link,
      variant: n.type.includes('reject') ? 'warning' : 'info',
    });
  });
  socket.on('attendance.updated', (p) => {
    // Students get this in their user room (pages subscribe to it themselves with useSocketEvent); teachers get it
    // in the session rooms they watch, where it is no news to toast.
    if (auth.role !== 'student') return;
    if (p.status === 'present' || p.status === 'late' || p.status === 'excused') {
      lastAttendanceToast = Date.now();
      toasts.push(
        {
          title: t('toasts.validated', { status: t(`status.${p.status}`) }),
          variant: 'success',
          key: attendanceToastKey(p.sessionId),
        },
        8000,
      );
    }
  });
  onReconnect(() => {
    if (auth.isSignedIn) void notifications.refreshCount().catch(() => undefined);
  });

  watch(
    () => auth.accessToken && auth.user?.id,
    (signedIn) => {
      if (signedIn && !auth.mustChangePassword) {
        connectSocket();
        void notifications.refreshCount().catch(() => undefined);
      } else if (!signedIn) {
        disconnectSocket();
        notifications.reset();
      }
    },
    { immediate: true },
  );

  watch(
    () => auth.user?.locale,
    (loc) => {
      if (loc === 'en' || loc === 'pt') setLocale(loc);
    },
  );
}
