-- The most played songs of one ISO week (Monday 00:00 to the next Monday, in --tz): the week holding
-- the latest listen of the range, or the week given as $week (bound as the DATE of its Monday).
-- Ties go to the song_id that sorts first.
WITH week AS (
  SELECT coalesce($week, date_trunc('week', max(local_at))::DATE) AS monday
  FROM range_listens
)
SELECT coalesce(l.song_id, l.track_key) AS song_id, count(*) AS plays
FROM range_listens l, week w
WHERE l.local_at >= w.monday AND l.local_at < w.monday + INTERVAL 7 DAY
GROUP BY 1
ORDER BY plays DESC, song_id
LIMIT $limit
