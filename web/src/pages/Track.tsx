// A track page: what the catalogue knows, plays and listeners per day, skip rate.
import { enc } from '../api.js';
import { Chart } from '../charts/Chart.js';
import { linesOption } from '../charts/options.js';
import { Card, Stat } from '../components/Card.js';
import { Load } from '../components/States.js';
import { dec, int, pct } from '../format.js';
import { useApi } from '../hooks.js';

export interface Daily {
  day: string;
  plays: number;
  listeners: number;
}
/** What the track and artist pages both show: plays, listeners, minutes, skip rate, plays per day. */
export interface PlayStats {
  plays: number;
  listeners: number;
  minutes: number;
  avg_minutes: number | null;
  skip_rate: number | null;
  daily: Daily[];
}
interface Track extends PlayStats {
  track_key: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  mood: string | null;
}

export function PlayStatsRow({ x }: { x: PlayStats }) {
  return (
    <div class="stats">
      <Stat label="plays" value={int(x.plays)} />
      <Stat label="listeners" value={int(x.listeners)} />
      <Stat label="minutes" value={int(x.minutes)} />
      <Stat label="min / play" value={dec(x.avg_minutes, 2)} />
      <Stat label="skip rate" value={pct(x.skip_rate)} />
    </div>
  );
}

export function DailyChart({ daily, name }: { daily: Daily[]; name: string }) {
  if (!daily.length) return <p class="note">No plays yet.</p>;
  return <Chart name={name} label="Plays and listeners per day" option={linesOption(daily.map((d) => d.day), [{ name: 'plays', data: daily.map((d) => d.plays), area: true }, { name: 'listeners', data: daily.map((d) => d.listeners) }], { zoom: daily.length > 30 })} />;
}

export function TrackPage({ trackKey }: { trackKey: string }) {
  const t = useApi<Track>(`/v1/tracks/${enc(trackKey)}`);
  return (
    <div class="page" data-page="track">
      <Load state={t} what="the track">
        {(x) => (
          <>
            <h1>{x.title ?? x.track_key}</h1>
            <p class="lead">
              {x.artist && <a href={`/catalogue/artists/${enc(x.artist)}`}>{x.artist}</a>}
              {x.album ? ` · ${x.album}` : ''}
              {x.genre ? ` · ${x.genre}` : ''}
              {x.mood ? ` · ${x.mood}` : ''}
            </p>
            <PlayStatsRow x={x} />
            <Card title="Plays over time" id="daily" wide>
              <DailyChart daily={x.daily} name="track-daily" />
            </Card>
            <p class="note">
              <code>{x.track_key}</code>
            </p>
          </>
        )}
      </Load>
    </div>
  );
}
