-- The most played songs: plays, distinct listeners and minutes played (minutes count only plays whose
-- duration the source gives). Names come from the catalogue, else from the listen. Ties by song_id.
SELECT
  coalesce(l.song_id, l.track_key) AS song_id,
  min(coalesce(t.title, l.track_name)) AS title,
  min(coalesce(t.artist_name, l.artist_name)) AS artist_name,
  count(*) AS plays,
  count(DISTINCT l.user_id) AS listeners,
  coalesce(round(sum(l.ms_played) / 60000, 1), 0) AS minutes
FROM range_listens l
LEFT JOIN tracks t ON t.track_key = l.track_key
GROUP BY 1
ORDER BY plays DESC, song_id
LIMIT $limit
