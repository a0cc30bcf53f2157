// An artist page: plays and listeners per day, skip rate, and their most played tracks.
import { enc } from '../api.js';
import { Card } from '../components/Card.js';
import { Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { int } from '../format.js';
import { useApi } from '../hooks.js';
import { DailyChart, PlayStatsRow, type PlayStats } from './Track.js';

interface Artist extends PlayStats {
  artist: string;
  top_tracks: { track_key: string; title: string | null; plays: number }[];
}

export function ArtistPage({ name }: { name: string }) {
  const a = useApi<Artist>(`/v1/artists/${enc(name)}`);
  return (
    <div class="page" data-page="artist">
      <h1>{name}</h1>
      <Load state={a} what="the artist">
        {(x) => (
          <>
            <PlayStatsRow x={x} />
            <div class="grid">
              <Card title="Plays over time" id="daily" wide>
                <DailyChart daily={x.daily} name="artist-daily" />
              </Card>
              <Card title="Most played tracks" id="tracks" wide>
                <Table name="artist-tracks" columns={[{ key: 'title', label: 'Track', render: (t) => <a href={`/catalogue/tracks/${enc(t.track_key)}`}>{t.title ?? t.track_key}</a> }, { key: 'plays', label: 'Plays', numeric: true, render: (t) => int(t.plays) }]} rows={x.top_tracks} />
              </Card>
            </div>
          </>
        )}
      </Load>
    </div>
  );
}
