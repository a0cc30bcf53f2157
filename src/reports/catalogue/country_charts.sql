-- The top songs of each country (listens with a known country): rank 1 = most played, ties by song_id.
WITH plays AS (
  SELECT
    l.country,
    coalesce(l.song_id, l.track_key) AS song_id,
    min(coalesce(t.title, l.track_name)) AS title,
    min(coalesce(t.artist_name, l.artist_name)) AS artist_name,
    count(*) AS plays,
    count(DISTINCT l.user_id) AS listeners
  FROM range_listens l
  LEFT JOIN tracks t ON t.track_key = l.track_key
  WHERE l.country IS NOT NULL
  GROUP BY 1, 2
)
SELECT country, row_number() OVER (PARTITION BY country ORDER BY plays DESC, song_id) AS rank,
       song_id, title, artist_name, plays, listeners
FROM plays
QUALIFY row_number() OVER (PARTITION BY country ORDER BY plays DESC, song_id) <= $limit
ORDER BY country, rank
