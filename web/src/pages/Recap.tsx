// Me / a user: the recap for a date range and time zone (presets or custom) — minutes, plays, top
// tracks, artists, genres and moods, the listening clock, discoveries, streaks, sessions, skip rate by
// platform — and recommendations with the reason for each. A user may open only their own.
import { useMemo, useState } from 'preact/hooks';
import { enc } from '../api.js';
import { Chart } from '../charts/Chart.js';
import { barsOption, clockOption, columnsOption } from '../charts/options.js';
import { Card, Stat } from '../components/Card.js';
import { ErrorBox, GetData, Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { ApiError } from '../api.js';
import { dec, int, pct, ymd } from '../format.js';
import { useApi } from '../hooks.js';
import type { Me } from '../main.js';
import { OKABE_ITO } from '../palette.js';

interface Recap {
  user: string | null;
  minutes: number;
  plays: number;
  tracks: number;
  artists: number;
  genres: number;
  skipRate: number | null;
  topTracks: { rank: number; title: string; artist: string | null; plays: number }[];
  topArtists: { rank: number; name: string; plays: number }[];
  topGenres: { rank: number; name: string; plays: number }[];
  topMoods: { rank: number; name: string; plays: number }[];
  clock: number[][];
  newArtists: { count: number; top: { rank: number; name: string; plays: number; firstDay: string | null }[] };
  longestStreak: { days: number; from: string; to: string } | null;
  sessions: number;
  longestSession: { started: string; minutes: number; tracks: number } | null;
  peakHour: { hour: number; plays: number; kind: string } | null;
  platforms: { platform: string; plays: number; skips: number; skipRate: number | null }[];
}
interface Recs {
  strategy: string;
  hint?: string;
  items: { track_key: string; title: string | null; artist: string | null; score: number; reason: string }[];
}

type Preset = '7d' | '30d' | 'year' | 'all' | 'custom';
const PRESETS: [Preset, string][] = [['7d', 'Last 7 days'], ['30d', 'Last 30 days'], ['year', 'This year'], ['all', 'All time'], ['custom', 'Custom']];

function rangeOf(p: Preset, custom: { from: string; to: string }): { from?: string; to?: string } {
  const today = new Date();
  const back = (days: number) => ymd(new Date(today.getTime() - days * 86_400_000));
  if (p === '7d') return { from: back(6), to: ymd(today) };
  if (p === '30d') return { from: back(29), to: ymd(today) };
  if (p === 'year') return { from: `${today.getUTCFullYear()}-01-01`, to: ymd(today) };
  if (p === 'custom') return { ...(custom.from ? { from: custom.from } : {}), ...(custom.to ? { to: custom.to } : {}) };
  return {};
}

const ZONES: string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo'];
  }
})();

function RecapBody({ r, user }: { r: Recap; user: string }) {
  const cells = useMemo(() => r.clock.flatMap((row, d) => row.map((v, h) => ({ weekday: d, hour: h, value: v }))), [r.clock]);
  if (!r.plays) return <GetData>{<strong>No listens for {user} in this range.</strong>}</GetData>;
  const named = (xs: { name: string; plays: number }[]) => xs.map((x) => ({ label: x.name, value: x.plays }));
  return (
    <>
      <div class="stats">
        <Stat label="minutes" value={int(r.minutes)} testid="minutes" />
        <Stat label="plays" value={int(r.plays)} />
        <Stat label="tracks" value={int(r.tracks)} />
        <Stat label="artists" value={int(r.artists)} />
        <Stat label="skip rate" value={pct(r.skipRate)} />
        <Stat label="sessions" value={int(r.sessions)} />
      </div>
      <div class="grid">
        <Card title="Top tracks" id="top-tracks">
          <Chart name="top-tracks" label="Most played tracks" height={Math.max(200, r.topTracks.length * 24)} option={barsOption(r.topTracks.map((t) => ({ label: `${t.title}${t.artist ? ` — ${t.artist}` : ''}`, value: t.plays })))} />
        </Card>
        <Card title="Top artists" id="top-artists">
          <Chart name="top-artists" label="Most played artists" height={Math.max(200, r.topArtists.length * 24)} option={barsOption(named(r.topArtists), { color: OKABE_ITO[1] })} />
        </Card>
        <Card title="Top genres" id="top-genres">
          {r.topGenres.length ? <Chart name="top-genres" label="Most played genres" height={Math.max(180, r.topGenres.length * 24)} option={barsOption(named(r.topGenres), { color: OKABE_ITO[2] })} /> : <p class="note">No genres: the catalogue has none for these tracks.</p>}
        </Card>
        <Card title="Top moods" id="top-moods">
          {r.topMoods.length ? <Chart name="top-moods" label="Most played moods" height={Math.max(180, r.topMoods.length * 24)} option={barsOption(named(r.topMoods), { color: OKABE_ITO[3] })} /> : <p class="note">No moods: the catalogue has none for these tracks.</p>}
        </Card>
        <Card title="Listening clock" id="clock" wide>
          <Chart name="listening-clock" label="Plays by weekday and hour in the chosen time zone" height={260} points={cells.filter((c) => c.value > 0).length} option={clockOption(cells)} />
          {r.peakHour && (
            <p class="note">
              Peak hour {String(r.peakHour.hour).padStart(2, '0')}:00 with {int(r.peakHour.plays)} plays — {r.peakHour.kind}.
            </p>
          )}
        </Card>
        <Card title="Skip rate by platform" id="platforms">
          {r.platforms.length ? (
            <Chart name="platform-skips" label="Plays and skip rate by platform" option={columnsOption(r.platforms.map((p) => p.platform), [{ name: 'plays', data: r.platforms.map((p) => p.plays) }, { name: 'skip rate', data: r.platforms.map((p) => p.skipRate), percent: true }])} />
          ) : (
            <p class="note">No platforms recorded.</p>
          )}
        </Card>
        <Card title="Discoveries, streaks and sessions" id="discoveries">
          <ul class="facts">
            <li>
              <strong>{int(r.newArtists.count)}</strong> new artists{r.newArtists.top.length ? `: ${r.newArtists.top.slice(0, 5).map((a) => a.name).join(', ')}` : ''}
            </li>
            {r.longestStreak && (
              <li>
                Longest streak <strong>{r.longestStreak.days} days</strong> ({r.longestStreak.from} – {r.longestStreak.to})
              </li>
            )}
            {r.longestSession && (
              <li>
                Longest session <strong>{dec(r.longestSession.minutes)} min</strong>, {r.longestSession.tracks} tracks, from {r.longestSession.started}
              </li>
            )}
            <li>
              <strong>{int(r.sessions)}</strong> sessions in all
            </li>
          </ul>
          {r.newArtists.top.length > 0 && <Table name="new-artists" columns={[{ key: 'name', label: 'New artist' }, { key: 'plays', label: 'Plays', numeric: true }, { key: 'firstDay', label: 'First heard' }]} rows={r.newArtists.top} />}
        </Card>
      </div>
    </>
  );
}

function Recommendations({ user }: { user: string }) {
  const recs = useApi<Recs>(`/v1/users/${enc(user)}/recommendations?n=20&strategy=blend`);
  return (
    <Card title="Recommended for you" id="recs" wide>
      {recs.error instanceof ApiError && recs.error.status === 404 ? (
        <p class="note">Recommendations are not available on this server yet (they come with <code>earshot recs train</code>).</p>
      ) : (
      <Load state={recs} what="recommendations">
        {(r) =>
          r.items.length ? (
            <ol class="recs">
              {r.items.map((i) => (
                <li key={i.track_key}>
                  <a href={`/catalogue/tracks/${enc(i.track_key)}`}>{i.title ?? i.track_key}</a> <span class="muted">— {i.artist ?? '?'}</span>
                  <div class="reason">{i.reason}</div>
                </li>
              ))}
            </ol>
          ) : (
            <p class="note">{r.hint ?? 'No recommendations yet: run earshot recs train.'}</p>
          )
        }
      </Load>
      )}
    </Card>
  );
}

export function RecapPage({ me, user }: { me: Me; user: string }) {
  const [preset, setPreset] = useState<Preset>('all');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [tz, setTz] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const allowed = me.admin || me.name === user;
  const range = rangeOf(preset, custom);
  const qs = new URLSearchParams({ ...range, tz }).toString();
  const recap = useApi<Recap>(allowed ? `/v1/users/${enc(user)}/recap?${qs}` : null);
  if (!allowed) return <div class="page" data-page="recap"><h1>{user}</h1><ErrorBox error={new ApiError(403, `Your token may read only your own pages (${me.name}), not ${user}'s.`)} /></div>;
  return (
    <div class="page" data-page="recap">
      <h1>{user === me.name ? 'Your recap' : `Recap of ${user}`}</h1>
      <form class="controls" onSubmit={(e) => e.preventDefault()} aria-label="Range and time zone">
        <fieldset class="presets">
          <legend>Range</legend>
          {PRESETS.map(([p, label]) => (
            <label key={p} class={preset === p ? 'chip on' : 'chip'}>
              <input type="radio" name="preset" value={p} checked={preset === p} onChange={() => setPreset(p)} />
              {label}
            </label>
          ))}
        </fieldset>
        {preset === 'custom' && (
          <>
            <label>
              From <input type="date" value={custom.from} onChange={(e) => setCustom({ ...custom, from: (e.target as HTMLInputElement).value })} />
            </label>
            <label>
              To <input type="date" value={custom.to} onChange={(e) => setCustom({ ...custom, to: (e.target as HTMLInputElement).value })} />
            </label>
          </>
        )}
        <label>
          Time zone{' '}
          <input list="zones" value={tz} onChange={(e) => setTz((e.target as HTMLInputElement).value || 'UTC')} size={18} />
        </label>
        <datalist id="zones">
          {ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </form>
      <Load state={recap} what="the recap">
        {(r) => <RecapBody r={r} user={user} />}
      </Load>
      <Recommendations user={user} />
    </div>
  );
}
