-- The most played artists (catalogue name, else the listen's): plays, listeners, distinct tracks,
-- minutes. Ties by name.
SELECT
  coalesce(t.artist_name, l.artist_name) AS artist_name,
  count(*) AS plays,
  count(DISTINCT l.user_id) AS listeners,
  count(DISTINCT l.track_key) AS tracks,
  coalesce(round(sum(l.ms_played) / 60000, 1), 0) AS minutes
FROM range_listens l
LEFT JOIN tracks t ON t.track_key = l.track_key
WHERE coalesce(t.artist_name, l.artist_name) IS NOT NULL
GROUP BY 1
ORDER BY plays DESC, artist_name
LIMIT $limit
