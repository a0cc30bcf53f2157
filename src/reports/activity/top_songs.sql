-- The most played songs: plays, distinct listeners and minutes played (minutes count only plays whose
-- duration the source gives). Names come from the catalogue, else from the listen. Ties by song_id.
-- The top songs are found first and named after: naming every listen (a join and two text minimums over
-- all of them) cost a fifth of the report at 10M listens.
WITH top AS (
  SELECT
    coalesce(song_id, track_key) AS song_id,
    count(*) AS plays,
    count(DISTINCT user_id) AS listeners,
    coalesce(round(sum(ms_played) / 60000, 1), 0) AS minutes
  FROM range_listens
  GROUP BY 1
  ORDER BY plays DESC, song_id
  LIMIT $limit
),
-- Per track of a top song: its names in the listens.
keys AS (
  SELECT coalesce(song_id, track_key) AS song_id, track_key, min(track_name) AS track_name, min(artist_name) AS artist_name
  FROM range_listens
  WHERE coalesce(song_id, track_key) IN (SELECT song_id FROM top)
  GROUP BY 1, 2
),
named AS (
  SELECT k.song_id, min(coalesce(t.title, k.track_name)) AS title, min(coalesce(t.artist_name, k.artist_name)) AS artist_name
  FROM keys k
  LEFT JOIN tracks t ON t.track_key = k.track_key
  GROUP BY 1
)
SELECT top.song_id, named.title, named.artist_name, top.plays, top.listeners, top.minutes
FROM top
JOIN named USING (song_id)
ORDER BY plays DESC, song_id
