import { BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';

/** Chart.js is tree-shaken: register only what the report pages draw (bars and lines). */
Chart.register(BarElement, CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend, Filler);

/** Bootstrap's status colours, so charts read like the badges next to them. */
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
