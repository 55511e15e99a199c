import { Chart, registerables } from 'chart.js';

// Chart.js needs its pieces registered once; the report pages import from here.
Chart.register(...registerables);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.maintainAspectRatio = false;
// Honour the system setting: no growing bars or sliding lines for people who asked for less motion.
if (typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches)
  Chart.defaults.animation = false;

export const STATUS_COLORS = {
  present: '#198754',
  late: '#ffc107',
  excused: '#0dcaf0',
  absent: '#dc3545',
  pending: '#6c757d',
} as const;

export const percentAxis = {
  min: 0,
  max: 1,
  ticks: { callback: (v: string | number) => `${Math.round(Number(v) * 100)}%` },
};
