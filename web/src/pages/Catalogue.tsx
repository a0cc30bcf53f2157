// Catalogue: the 2-D song map (coloured by cluster or genre, hover for details, wheel or slider to zoom,
// click for the track page), then genre and artist performance as charts and sortable tables.
import { useMemo, useState } from 'preact/hooks';
import { enc } from '../api.js';
import { Chart } from '../charts/Chart.js';
import { barsOption, columnsOption, songMapOption, type MapPoint } from '../charts/options.js';
import { Card } from '../components/Card.js';
import { GetData, Load } from '../components/States.js';
import { Table } from '../components/Table.js';
import { dec, int, pct } from '../format.js';
import { useApi } from '../hooks.js';
import { navigate } from '../router.js';

interface Perf {
  plays: number;
  listeners: number;
  minutes: number;
  avg_minutes: number | null;
  skip_rate: number | null;
  tracks: number;
}
interface SongMap {
  source: 'track_map' | 'valence_energy';
  hint: string | null;
  points: MapPoint[];
}

const perfCols = <R extends Perf>() => [
  { key: 'tracks', label: 'Tracks', numeric: true, render: (r: R) => int(r.tracks) },
  { key: 'plays', label: 'Plays', numeric: true, render: (r: R) => int(r.plays) },
  { key: 'listeners', label: 'Listeners', numeric: true, render: (r: R) => int(r.listeners) },
  { key: 'avg_minutes', label: 'Min / play', numeric: true, render: (r: R) => dec(r.avg_minutes, 2) },
  { key: 'skip_rate', label: 'Skip rate', numeric: true, render: (r: R) => pct(r.skip_rate) },
];

function SongMapCard() {
  const map = useApi<SongMap>('/v1/catalogue/map');
  const [by, setBy] = useState<'genre' | 'cluster'>('genre');
  const option = useMemo(() => (map.data ? songMapOption(map.data.points, map.data.source === 'track_map' ? by : 'genre', map.data.source === 'track_map' ? { x: '', y: '' } : { x: 'valence', y: 'energy' }) : null), [map.data, by]);
  return (
    <Card title="Song map" id="map" wide>
      <Load state={map} what="the song map">
        {(m) =>
          m.points.length && option ? (
            <>
              <div class="controls">
                <label>
                  Colour by{' '}
                  <select value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as 'genre' | 'cluster')} disabled={m.source !== 'track_map'}>
                    <option value="genre">genre</option>
                    <option value="cluster">cluster</option>
                  </select>
                </label>
                <span class="muted">Scroll or drag the slider to zoom; click a song to open it.</span>
              </div>
              {m.hint && <p class="note">{m.hint}</p>}
              <Chart
                name="song-map"
                label={`${m.points.length} songs on a 2-D map, coloured by ${by}`}
                height={460}
                option={option}
                onClick={(p) => {
                  const d = p.data as { p?: MapPoint } | undefined;
                  if (d?.p) navigate(`/catalogue/tracks/${enc(d.p.track_key)}`);
                }}
              />
            </>
          ) : (
            <GetData>
              <strong>{m.hint ?? 'No songs to map yet.'}</strong>
            </GetData>
          )
        }
      </Load>
    </Card>
  );
}

export function Catalogue() {
  const genres = useApi<(Perf & { genre: string })[]>('/v1/catalogue/genres');
  const [q, setQ] = useState('');
  const artists = useApi<(Perf & { artist: string })[]>(`/v1/catalogue/artists?limit=100${q ? `&q=${enc(q)}` : ''}`);
  return (
    <div class="page" data-page="catalogue">
      <h1>Catalogue</h1>
      <div class="grid">
        <SongMapCard />
        <Card title="Genre performance" id="genres" wide>
          <Load state={genres} what="genres">
            {(gs) =>
              gs.length ? (
                <>
                  <Chart name="genre-performance" label="Plays and skip rate by genre" option={columnsOption(gs.map((g) => g.genre), [{ name: 'plays', data: gs.map((g) => g.plays) }, { name: 'skip rate', data: gs.map((g) => g.skip_rate), percent: true }])} />
                  <Table name="genres" columns={[{ key: 'genre', label: 'Genre' }, ...perfCols<Perf & { genre: string }>()]} rows={gs} />
                </>
              ) : (
                <GetData>
                  <strong>No plays of catalogue tracks with a genre yet.</strong>
                </GetData>
              )
            }
          </Load>
        </Card>
        <Card title="Artist performance" id="artists" wide>
          <div class="controls">
            <label>
              Find an artist <input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} placeholder="name" />
            </label>
          </div>
          <Load state={artists} what="artists">
            {(as) =>
              as.length ? (
                <>
                  <Chart
                    name="artist-performance"
                    label="Most played artists"
                    height={Math.max(200, Math.min(20, as.length) * 22)}
                    option={barsOption(as.slice(0, 20).map((a) => ({ label: a.artist, value: a.plays })))}
                    onClick={(p) => {
                      const a = as.slice(0, 20)[Math.min(20, as.length) - 1 - (p.dataIndex ?? 0)];
                      if (a) navigate(`/catalogue/artists/${enc(a.artist)}`);
                    }}
                  />
                  <Table name="artists" columns={[{ key: 'artist', label: 'Artist', render: (a) => <a href={`/catalogue/artists/${enc(a.artist)}`}>{a.artist}</a> }, ...perfCols<Perf & { artist: string }>()]} rows={as} />
                </>
              ) : (
                <p class="note">{q ? `No artist matches “${q}”.` : 'No artists yet.'}</p>
              )
            }
          </Load>
        </Card>
      </div>
    </div>
  );
}
