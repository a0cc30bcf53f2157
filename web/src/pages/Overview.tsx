// Overview (admin): the live part from the server's event stream (events/s, counters, trending tracks,
// actions and active users per window) above the lake at a glance (genres, weekday × hour, devices,
// countries, skip and completion rates, most active users).
import { useMemo } from 'preact/hooks';
import { Chart } from '../charts/Chart.js';
import { barsOption, clockOption, countryTilesOption, donutOption, linesOption } from '../charts/options.js';
import { Card, Stat } from '../components/Card.js';
import { GetData, Load, Loading } from '../components/States.js';
import { dec, int, isoTime, pct } from '../format.js';
import { useApi, useLive, type LiveState } from '../hooks.js';
import { navigate } from '../router.js';

interface Overview {
  totals: { plays: number; users: number; tracks: number; artists: number; minutes: number; skip_rate: number | null; completion_rate: number | null; first_listen: string | null; last_listen: string | null };
  genres: { genre: string; plays: number }[];
  heatmap: { weekday: number; hour: number; plays: number }[];
  platforms: { platform: string; plays: number }[];
  countries: { country: string; plays: number }[];
  top_users: { user_id: string; plays: number; minutes: number; skip_rate: number | null }[];
}

const hm = (iso: string) => iso.slice(11, 19);

function Live({ state, connected, rate }: { state: LiveState | null; connected: boolean; rate: { at: number; eps: number }[] }) {
  const actions = useMemo(() => {
    if (!state?.action_counts.length) return null;
    const ends = [...new Set(state.action_counts.map((a) => a.window_end))].sort();
    const names = [...new Set(state.action_counts.map((a) => a.action))].sort();
    const get = new Map(state.action_counts.map((a) => [`${a.window_end}|${a.action}`, a.events]));
    return linesOption(ends.map(hm), names.map((n) => ({ name: n, data: ends.map((e) => get.get(`${e}|${n}`) ?? 0), area: true })), { stack: true });
  }, [state?.action_counts]);
  const active = useMemo(() => {
    if (!state?.active_users.length) return null;
    const rows = [...state.active_users].sort((a, b) => a.window_end.localeCompare(b.window_end));
    return linesOption(rows.map((r) => hm(r.window_end)), [{ name: 'active users', data: rows.map((r) => r.users) }]);
  }, [state?.active_users]);
  const trending = state?.trending?.tracks ?? [];
  const c = state?.counters;
  return (
    <>
      <div class="live-status" role="status" aria-live="polite">
        <span class={connected ? 'dot on' : 'dot'} aria-hidden="true" /> {connected ? 'Live' : 'Connecting to the live stream…'}
        {c && c.watermark_ms ? <span class="muted"> · watermark {isoTime(c.watermark_ms)}</span> : null}
      </div>
      {!c ? (
        <Loading what="the live state" />
      ) : (
        <div class="stats" data-testid="live-counters">
          <Stat label="events / s" value={dec(c.events_per_second, 1)} testid="eps" />
          <Stat label="events in" value={int(c.events_in)} testid="events-in" />
          <Stat label="accepted" value={int(c.accepted)} testid="accepted" />
          <Stat label="rejected" value={int(c.rejected)} testid="rejected" />
          <Stat label="late" value={int(c.late)} testid="late" />
        </div>
      )}
      <div class="grid">
        <Card title="Events per second" id="eps">
          {rate.length ? (
            <Chart name="events-per-second" label="Events per second over the last two minutes" height={180} option={linesOption(rate.map((r) => new Date(r.at).toISOString().slice(11, 19)), [{ name: 'events/s', data: rate.map((r) => r.eps), area: true }])} />
          ) : (
            <Loading what="the rate" />
          )}
        </Card>
        <Card title={`Trending now${state?.trending ? ` (${hm(state.trending.window_start)}–${hm(state.trending.window_end)} UTC)` : ''}`} id="trending">
          {trending.length ? (
            <Chart
              name="trending"
              label="Most played tracks in the latest closed window"
              height={Math.max(180, trending.length * 22)}
              option={barsOption(trending.map((t) => ({ label: `${t.track_name ?? t.track_key} — ${t.artist_name ?? '?'}`, value: t.plays })), { valueName: 'plays' })}
              onClick={(p) => {
                const t = trending[trending.length - 1 - (p.dataIndex ?? 0)];
                if (t) navigate(`/catalogue/tracks/${encodeURIComponent(t.track_key)}`);
              }}
            />
          ) : (
            <p class="note">No window has closed yet. Trending tracks appear as listens stream in (<code>earshot stream</code> or the submit API).</p>
          )}
        </Card>
        <Card title="Just in" id="recent">
          {state?.recent?.length ? (
            <ol class="recent" data-testid="recent">
              {state.recent.slice(0, 8).map((r, i) => (
                <li key={`${r.user_id}|${r.listened_at}|${i}`}>
                  <strong>{r.track_name ?? '?'}</strong> <span class="muted">— {r.artist_name ?? '?'} · {r.user_id}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p class="note">Listens submitted to the API (<code>POST /1/submit-listens</code>, <code>POST /v1/listens</code>) show up here within a second.</p>
          )}
        </Card>
        <Card title="Actions per window" id="actions">
          {actions ? <Chart name="action-counts" label="Plays, skips and completions per window" height={220} option={actions} /> : <p class="note">No windows yet.</p>}
        </Card>
        <Card title="Active users per window" id="active">
          {active ? <Chart name="active-users" label="Distinct listeners per window" height={220} option={active} /> : <p class="note">No windows yet.</p>}
        </Card>
      </div>
    </>
  );
}

function Lake({ o }: { o: Overview }) {
  if (!o.totals.plays) return <GetData />;
  const t = o.totals;
  const cells = o.heatmap.map((h) => ({ weekday: h.weekday, hour: h.hour, value: h.plays }));
  return (
    <>
      <div class="stats">
        <Stat label="plays" value={int(t.plays)} testid="plays" />
        <Stat label="listeners" value={int(t.users)} />
        <Stat label="tracks" value={int(t.tracks)} />
        <Stat label="minutes" value={int(t.minutes)} />
        <Stat label="skip rate" value={pct(t.skip_rate)} />
        <Stat label="completion rate" value={pct(t.completion_rate)} />
      </div>
      <p class="note">
        From {t.first_listen?.slice(0, 10) ?? '—'} to {t.last_listen?.slice(0, 10) ?? '—'}, including listens submitted in the last seconds.
      </p>
      <div class="grid">
        <Card title="Plays by genre" id="genres">
          <Chart name="genres" label="Plays by genre" height={Math.max(200, o.genres.length * 22)} option={barsOption(o.genres.map((g) => ({ label: g.genre, value: g.plays })))} />
        </Card>
        <Card title="Devices" id="devices">
          <Chart name="platforms" label="Share of plays by device or platform" option={donutOption(o.platforms.map((p) => ({ label: p.platform, value: p.plays })))} />
        </Card>
        <Card title="When people listen (UTC)" id="clock" wide>
          <Chart name="heatmap" label="Plays by weekday and hour, UTC" height={260} points={cells.filter((c) => c.value > 0).length} option={clockOption(cells)} />
        </Card>
        <Card title="Plays by country" id="countries" wide>
          {o.countries.length ? (
            <Chart name="countries" label="Plays by country on a tile map" height={340} points={o.countries.length} option={countryTilesOption(o.countries)} />
          ) : (
            <p class="note">No listen says where it was played.</p>
          )}
        </Card>
        <Card title="Most active listeners" id="top-users">
          <Chart
            name="top-users"
            label="Listeners with the most plays"
            height={Math.max(200, o.top_users.length * 24)}
            option={barsOption(o.top_users.map((u) => ({ label: u.user_id, value: u.plays })), { valueName: 'plays' })}
            onClick={(p) => {
              const u = o.top_users[o.top_users.length - 1 - (p.dataIndex ?? 0)];
              if (u) navigate(`/users/${encodeURIComponent(u.user_id)}`);
            }}
          />
        </Card>
      </div>
    </>
  );
}

export function Overview() {
  const live = useLive(true);
  const overview = useApi<Overview>('/v1/overview', 60_000);
  return (
    <div class="page" data-page="overview">
      <h1>Overview</h1>
      <Live {...live} />
      <h2 class="section">The lake</h2>
      <Load state={overview} what="the overview">
        {(o) => <Lake o={o} />}
      </Load>
    </div>
  );
}
