// Numbers, rates and times as the dashboard prints them.
export const int = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
export const pct = (r: number | null | undefined, digits = 1): string => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(digits)}%`);
export const dec = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

/** "3 s ago", "5 min ago", "2 h ago". */
export function ago(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms <= 0) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

/** YYYY-MM-DD of a Date in UTC. */
export const ymd = (d: Date): string => d.toISOString().slice(0, 10);
