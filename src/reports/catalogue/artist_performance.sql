-- Artists in the range: plays, listeners, minutes, and how they moved between the first and the second
-- half of the range (the range is --from..--to, else the first to the last listen). growth =
-- (second - first) / first; ranks are by plays within each half (1 = most played; empty when the artist
-- had no plays in that half); rank_change = first_half_rank - second_half_rank (positive = climbed).
WITH plays AS (
  SELECT coalesce(t.artist_name, l.artist_name) AS artist_name, l.user_id, l.listened_at, l.ms_played
  FROM range_listens l
  LEFT JOIN tracks t ON t.track_key = l.track_key
  WHERE coalesce(t.artist_name, l.artist_name) IS NOT NULL
),
middle AS (
  SELECT make_timestamptz((epoch_us(coalesce(r.from_at, min(p.listened_at))) + epoch_us(coalesce(r.to_at, max(p.listened_at)))) // 2) AS mid
  FROM plays p, report_range r
  GROUP BY r.from_at, r.to_at
),
by_artist AS (
  SELECT
    p.artist_name,
    count(*) AS plays,
    count(DISTINCT p.user_id) AS listeners,
    coalesce(round(sum(p.ms_played) / 60000, 1), 0) AS minutes,
    count(*) FILTER (WHERE p.listened_at < m.mid) AS first_half_plays,
    count(*) FILTER (WHERE p.listened_at >= m.mid) AS second_half_plays
  FROM plays p, middle m
  GROUP BY p.artist_name
),
ranked AS (
  SELECT *,
    CASE WHEN first_half_plays > 0 THEN rank() OVER (ORDER BY first_half_plays DESC) END AS first_half_rank,
    CASE WHEN second_half_plays > 0 THEN rank() OVER (ORDER BY second_half_plays DESC) END AS second_half_rank
  FROM by_artist
)
SELECT
  artist_name, plays, listeners, minutes, first_half_plays, second_half_plays,
  CASE WHEN first_half_plays > 0 THEN round((second_half_plays - first_half_plays) / first_half_plays, 4) END AS growth,
  first_half_rank, second_half_rank,
  first_half_rank - second_half_rank AS rank_change
FROM ranked
ORDER BY plays DESC, artist_name
LIMIT $limit
