// The recap report's rows (section, rank, label, value, detail) as one object, and as text for
// `earshot recap`. The SQL decides every number; this only arranges them.

export interface RecapRow {
  readonly section: string;
  readonly rank: number | null;
  readonly label: string | null;
  readonly value: number | null;
  readonly detail: string | null;
}

export interface Recap {
  readonly user: string | null;
  readonly minutes: number;
  readonly plays: number;
  readonly tracks: number;
  readonly artists: number;
  readonly genres: number;
  readonly skipRate: number | null;
  readonly topTracks: { rank: number; title: string; artist: string | null; plays: number }[];
  readonly topArtists: { rank: number; name: string; plays: number }[];
  readonly topGenres: { rank: number; name: string; plays: number }[];
  readonly topMoods: { rank: number; name: string; plays: number }[];
  /** clock[weekday 0 = Monday][hour] = plays */
  readonly clock: number[][];
  readonly newArtists: { count: number; top: { rank: number; name: string; plays: number; firstDay: string | null }[] };
  readonly longestStreak: { days: number; from: string; to: string } | null;
  readonly sessions: number;
  readonly longestSession: { started: string; minutes: number; tracks: number } | null;
  readonly peakHour: { hour: number; plays: number; kind: string } | null;
  /** Plays, skips and skip rate per device or platform, most played first. */
  readonly platforms: { platform: string; plays: number; skips: number; skipRate: number | null }[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

export function toRecapRows(rows: readonly Record<string, unknown>[]): RecapRow[] {
  return rows.map((r) => ({
    section: String(r['section']),
    rank: r['rank'] === null || r['rank'] === undefined ? null : num(r['rank']),
    label: r['label'] === null || r['label'] === undefined ? null : String(r['label']),
    value: r['value'] === null || r['value'] === undefined ? null : num(r['value']),
    detail: r['detail'] === null || r['detail'] === undefined ? null : String(r['detail']),
  }));
}

export function buildRecap(rows: readonly RecapRow[]): Recap {
  const one = (s: string): RecapRow | undefined => rows.find((r) => r.section === s);
  const list = (s: string): RecapRow[] => rows.filter((r) => r.section === s).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
  const named = (s: string) => list(s).map((r) => ({ rank: r.rank ?? 0, name: r.label ?? '', plays: r.value ?? 0 }));
  const clock = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of list('clock')) {
    const cell = r.rank ?? 0;
    clock[Math.floor(cell / 24)]![cell % 24] = r.value ?? 0;
  }
  const streak = one('longest_streak');
  const longest = one('longest_session');
  const peak = one('peak_hour');
  const skipRates = new Map(list('platform_skip_rate').map((r) => [r.rank, r.value]));
  return {
    user: one('user')?.label ?? null,
    minutes: one('minutes')?.value ?? 0,
    plays: one('plays')?.value ?? 0,
    tracks: one('tracks')?.value ?? 0,
    artists: one('artists')?.value ?? 0,
    genres: one('genres')?.value ?? 0,
    skipRate: one('skip_rate')?.value ?? null,
    topTracks: list('top_track').map((r) => ({ rank: r.rank ?? 0, title: r.label ?? '', artist: r.detail, plays: r.value ?? 0 })),
    topArtists: named('top_artist'),
    topGenres: named('top_genre'),
    topMoods: named('top_mood'),
    clock,
    newArtists: { count: one('new_artists')?.value ?? 0, top: list('new_artist').map((r) => ({ rank: r.rank ?? 0, name: r.label ?? '', plays: r.value ?? 0, firstDay: r.detail })) },
    longestStreak: streak ? { days: streak.value ?? 0, from: streak.label ?? '', to: streak.detail ?? '' } : null,
    sessions: one('sessions')?.value ?? 0,
    longestSession: longest ? { started: longest.label ?? '', minutes: longest.value ?? 0, tracks: one('longest_session_tracks')?.value ?? 0 } : null,
    peakHour: peak ? { hour: peak.value ?? 0, plays: Number(peak.detail ?? 0), kind: peak.label ?? '' } : null,
    platforms: list('platform').map((r) => ({
      platform: r.label ?? '',
      plays: r.value ?? 0,
      skips: Number(r.detail ?? 0),
      skipRate: skipRates.get(r.rank) ?? null,
    })),
  };
}

const n = (x: number): string => x.toLocaleString('en-US');
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SHADES = ' ░▒▓█';

export function renderRecap(r: Recap, range: { from: string | null; to: string | null; tz: string }): string {
  const span = `${range.from ?? 'the beginning'} – ${range.to ?? 'the latest listen'} (${range.tz})`;
  const out: string[] = [`Recap for ${r.user ?? '?'}, ${span}`, ''];
  out.push(`  ${n(Math.round(r.minutes))} minutes · ${n(r.plays)} plays · ${n(r.tracks)} tracks · ${n(r.artists)} artists · ${n(r.genres)} genres`);
  if (r.skipRate !== null) out.push(`  skipped ${(r.skipRate * 100).toFixed(1)}% of plays`);
  const top = (title: string, items: { rank: number; text: string; plays: number }[]) => {
    if (!items.length) return;
    out.push('', `  ${title}`);
    for (const i of items) out.push(`    ${i.rank}. ${i.text} (${n(i.plays)} plays)`);
  };
  top('Top tracks', r.topTracks.map((t) => ({ rank: t.rank, text: t.artist ? `${t.title} — ${t.artist}` : t.title, plays: t.plays })));
  top('Top artists', r.topArtists.map((t) => ({ rank: t.rank, text: t.name, plays: t.plays })));
  top('Top genres', r.topGenres.map((t) => ({ rank: t.rank, text: t.name, plays: t.plays })));
  top('Top moods', r.topMoods.map((t) => ({ rank: t.rank, text: t.name, plays: t.plays })));
  out.push('', `  New artists: ${n(r.newArtists.count)}${r.newArtists.top.length ? ` — ${r.newArtists.top.slice(0, 5).map((a) => a.name).join(', ')}` : ''}`);
  if (r.longestStreak) out.push(`  Longest streak: ${r.longestStreak.days} days (${r.longestStreak.from} – ${r.longestStreak.to})`);
  if (r.longestSession) out.push(`  Longest session: ${r.longestSession.minutes.toFixed(1)} min, ${r.longestSession.tracks} tracks, from ${r.longestSession.started} (${n(r.sessions)} sessions in all)`);
  if (r.platforms.length) out.push(`  By platform: ${r.platforms.map((p) => `${p.platform} ${n(p.plays)} plays, ${p.skipRate === null ? '–' : `${(p.skipRate * 100).toFixed(1)}%`} skipped`).join(' · ')}`);
  if (r.peakHour) out.push(`  Peak hour: ${String(r.peakHour.hour).padStart(2, '0')}:00, ${n(r.peakHour.plays)} plays — ${r.peakHour.kind}`);
  const max = Math.max(1, ...r.clock.flat());
  out.push('', '  Listening clock (hours 0-23)');
  r.clock.forEach((row, d) => out.push(`    ${DAYS[d]} ${row.map((v) => SHADES[v === 0 ? 0 : Math.min(4, 1 + Math.floor((v / max) * 3.999))]).join('')}`));
  return out.join('\n');
}
