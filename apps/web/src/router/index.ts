import type { UserRole } from '@sysponto/contracts';
import {
  createRouter,
  createWebHistory,
  START_LOCATION,
  type RouteLocationNormalized,
  type RouteRecordRaw,
} from 'vue-router';
import { warmUpDateFormats } from '@/features/dates';
import { intlLocale } from '@/i18n';
import { useAuthStore } from '@/stores/auth';
import LoginView from '@/views/shared/LoginView.vue';
import { homeFor } from './home';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Roles allowed; absent = any signed-in user. */
    roles?: UserRole[];
    /** 'bare' = no navbar (login, projector). */
    layout?: 'bare';
    /** i18n key of the document title. */
    title?: string;
  }
}

const student: UserRole[] = ['student'];
const staff: UserRole[] = ['teacher', 'admin'];
const admin: UserRole[] = ['admin'];

/** The one route table. Views live in views/{student,teacher,admin,shared}. */
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: { render: () => null }, meta: {} },
  {
    path: '/login',
    name: 'login',
    // In the entry chunk: the first page of anyone not signed in, drawn without another request.
    component: LoginView,
    meta: { public: true, layout: 'bare', title: 'login.title' },
  },
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('@/views/shared/PasswordResetView.vue'),
    meta: { public: true, layout: 'bare', title: 'reset.title' },
  },
  {
    path: '/reset-password',
    name: 'reset-password',
    component: () => import('@/views/shared/PasswordResetView.vue'),
    meta: { public: true, layout: 'bare', title: 'reset.newTitle' },
  },
  {
    path: '/profile',
    name: 'profile',
    component: () => import('@/views/shared/ProfileView.vue'),
    meta: { title: 'profile.title' },
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('@/views/shared/NotificationsView.vue'),
    meta: { title: 'notifications.title' },
  },

  // Student
  {
    path: '/student',
    name: 'student-dashboard',
    component: () => import('@/views/student/StudentDashboardView.vue'),
    meta: { roles: student, title: 'nav.dashboard' },
  },
  {
    path: '/check-in',
    name: 'check-in',
    component: () => import('@/views/student/CheckInView.vue'),
    meta: { roles: student, title: 'checkIn.title' },
  },
  {
    path: '/student/calendar',
    name: 'student-calendar',
    component: () => import('@/views/shared/CalendarView.vue'),
    meta: { roles: student, title: 'nav.calendar' },
  },
  {
    path: '/student/history',
    name: 'student-history',
    component: () => import('@/views/student/HistoryView.vue'),
    meta: { roles: student, title: 'nav.history' },
  },
  {
    path: '/student/justifications',
    name: 'student-justifications',
    component: () => import('@/views/student/JustificationsView.vue'),
    meta: { roles: student, title: 'nav.justifications' },
  },
  {
    path: '/student/rates',
    name: 'student-rates',
    component: () => import('@/views/reports/MyRatesView.vue'),
    meta: { roles: student, title: 'reports.myTitle' },
  },

  // Teacher (admins may open the same course and session pages)
  {
    path: '/teacher',
    name: 'teacher-dashboard',
    component: () => import('@/views/teacher/TeacherDashboardView.vue'),
    meta: { roles: ['teacher'], title: 'nav.dashboard' },
  },
  {
    path: '/teacher/calendar',
    name: 'teacher-calendar',
    component: () => import('@/views/shared/CalendarView.vue'),
    meta: { roles: ['teacher'], title: 'nav.calendar' },
  },
  {
    path: '/teacher/sessions/:id',
    name: 'live-session',
    component: () => import('@/views/teacher/LiveSessionView.vue'),
    meta: { roles: staff, title: 'live.title' },
  },
  {
    path: '/teacher/sessions/:id/projector',
    name: 'projector',
    component: () => import('@/views/teacher/ProjectorView.vue'),
    meta: { roles: staff, layout: 'bare', title: 'projector.title' },
  },
  {
    path: '/teacher/courses/:id',
    name: 'course',
    component: () => import('@/views/teacher/CourseView.vue'),
    meta: { roles: staff, title: 'course.title' },
  },
  {
    path: '/teacher/courses/:id/report',
    name: 'course-report',
    component: () => import('@/views/teacher/CourseReportView.vue'),
    meta: { roles: staff, title: 'report.title' },
  },
  {
    path: '/teacher/api-keys',
    name: 'teacher-api-keys',
    component: () => import('@/views/admin/integrations/ApiKeysView.vue'),
    meta: { roles: ['teacher'], title: 'nav.apiKeys' },
  },
  {
    path: '/teacher/moodle-import',
    name: 'moodle-import',
    component: () => import('@/views/shared/MoodleImportView.vue'),
    meta: { roles: staff, title: 'integrations.moodle.title' },
  },
  {
    path: '/teacher/justifications',
    name: 'teacher-justifications',
    component: () => import('@/views/teacher/ReviewJustificationsView.vue'),
    meta: { roles: staff, title: 'review.title' },
  },

  // Admin
  {
    path: '/admin',
    name: 'admin-overview',
    component: () => import('@/views/admin/OverviewView.vue'),
    meta: { roles: admin, title: 'nav.overview' },
  },
  {
    path: '/admin/users',
    name: 'admin-users',
    component: () => import('@/views/admin/UsersView.vue'),
    meta: { roles: admin, title: 'nav.users' },
  },
  {
    path: '/admin/users/import',
    name: 'admin-import',
    component: () => import('@/views/admin/UserImportView.vue'),
    meta: { roles: admin, title: 'import.title' },
  },
  {
    path: '/admin/courses',
    name: 'admin-courses',
    component: () => import('@/views/admin/CoursesView.vue'),
    meta: { roles: admin, title: 'nav.courses' },
  },
  {
    path: '/admin/holidays',
    name: 'admin-holidays',
    component: () => import('@/views/admin/HolidaysView.vue'),
    meta: { roles: admin, title: 'nav.holidays' },
  },
  {
    path: '/admin/audit',
    name: 'admin-audit',
    component: () => import('@/views/admin/AuditView.vue'),
    meta: { roles: admin, title: 'nav.audit' },
  },
  {
    path: '/admin/integrations',
    name: 'admin-api-keys',
    component: () => import('@/views/admin/integrations/ApiKeysView.vue'),
    meta: { roles: admin, title: 'nav.integrations' },
  },
  {
    path: '/admin/integrations/webhooks',
    name: 'admin-webhooks',
    component: () => import('@/views/admin/integrations/WebhooksView.vue'),
    meta: { roles: admin, title: 'integrations.webhooks.title' },
  },
  {
    path: '/admin/justifications',
    name: 'admin-justifications',
    component: () => import('@/views/teacher/ReviewJustificationsView.vue'),
    meta: { roles: admin, title: 'review.title' },
  },

  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/shared/NotFoundView.vue'),
    meta: { public: true, title: 'notFound.title' },
  },
];

export { homeFor };

export const router = createRouter({
  history: createWebHistory(),
  routes,
  // Not on the first page shown: the page is at the top already, and scrolling there forces a layout of the page while
  // it is being built (a long task on a phone).
  scrollBehavior: (_to, from, saved) => saved ?? (from === START_LOCATION ? false : { top: 0 }),
});

/**
 * Starts loading the page's code now: the first navigation waits for the session to be restored (a refresh request),
 * and the page's chunk can come over the network meanwhile instead of after it.
 */
function preloadViews(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    const view = record.components?.default;
    // Lazy views are the `() => import(…)` functions of the table above (components are objects).
    if (typeof view === 'function') void (view as () => Promise<unknown>)().catch(() => undefined);
  }
}

router.beforeEach(async (to) => {
  const auth = useAuthStore();
  if (!auth.restored) {
    preloadViews(to);
    const restoring = auth.restore();
    // A returning user waits for the refresh answer: the browser's date formatting is set up meanwhile (its first
    // use costs tens of milliseconds on a phone, which would otherwise fall in the first page's drawing).
    if (auth.hasSessionHint()) warmUpDateFormats(intlLocale());
    await restoring;
  }
  if (to.name === 'login') return auth.isSignedIn ? homeFor(auth.role) : true;
  if (to.meta.public) return true;
  if (!auth.isSignedIn) return { name: 'login', query: { redirect: to.fullPath } };
  // A temporary password must be changed before anything else (the API answers 403 password-change-required).
  if (auth.mustChangePassword && to.name !== 'profile')
    return { name: 'profile', query: { mustChange: '1', redirect: to.fullPath } };
  if (to.name === 'home') return homeFor(auth.role);
  if (to.meta.roles && !to.meta.roles.includes(auth.role!)) return homeFor(auth.role);
  return true;
});

// Focus management: after a navigation, move focus to the page heading so screen readers announce the new page.
router.afterEach((to, from) => {
  if (to.path === from.path) return;
  setTimeout(() => {
    const heading = document.querySelector<HTMLElement>('[data-page-title]') ?? document.getElementById('main');
    heading?.focus({ preventScroll: true });
  }, 150);
});
