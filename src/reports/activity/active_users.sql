-- The most active users: plays, minutes, days with a listen (in --tz), distinct tracks, and their
-- first and last listen (wall-clock time in --tz). Ties by user_id.
SELECT
  user_id,
  count(*) AS plays,
  coalesce(round(sum(ms_played) / 60000, 1), 0) AS minutes,
  count(DISTINCT local_at::DATE) AS active_days,
  count(DISTINCT track_key) AS tracks,
  min(local_at) AS first_listen,
  max(local_at) AS last_listen
FROM range_listens
GROUP BY user_id
ORDER BY plays DESC, user_id
LIMIT $limit
