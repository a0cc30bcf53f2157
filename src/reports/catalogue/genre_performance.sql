-- How each catalogue genre does in the range: plays, listeners, minutes, skip rate; and what it sounds
-- like: its tracks' average audio features (over every catalogue track of the genre, played or not).
WITH played AS (
  SELECT
    t.genre,
    count(*) AS plays,
    count(DISTINCT l.user_id) AS listeners,
    coalesce(round(sum(l.ms_played) / 60000, 1), 0) AS minutes,
    round(count(*) FILTER (WHERE l.action = 'skip') / count(*), 4) AS skip_rate
  FROM range_listens l
  JOIN tracks t ON t.track_key = l.track_key
  WHERE t.genre IS NOT NULL
  GROUP BY t.genre
),
sound AS (
  SELECT
    genre,
    count(*) AS tracks,
    round(avg(danceability), 3) AS avg_danceability,
    round(avg(energy), 3) AS avg_energy,
    round(avg(valence), 3) AS avg_valence,
    round(avg(tempo), 3) AS avg_tempo,
    round(avg(acousticness), 3) AS avg_acousticness,
    round(avg(instrumentalness), 3) AS avg_instrumentalness,
    round(avg(speechiness), 3) AS avg_speechiness,
    round(avg(liveness), 3) AS avg_liveness,
    round(avg(loudness), 3) AS avg_loudness,
    round(avg(popularity), 3) AS avg_popularity
  FROM tracks
  WHERE genre IS NOT NULL
  GROUP BY genre
)
SELECT
  s.genre,
  s.tracks,
  coalesce(p.plays, 0) AS plays,
  coalesce(p.listeners, 0) AS listeners,
  coalesce(p.minutes, 0) AS minutes,
  p.skip_rate,
  s.avg_danceability, s.avg_energy, s.avg_valence, s.avg_tempo, s.avg_acousticness,
  s.avg_instrumentalness, s.avg_speechiness, s.avg_liveness, s.avg_loudness, s.avg_popularity
FROM sound s
LEFT JOIN played p ON p.genre = s.genre
ORDER BY plays DESC, genre
