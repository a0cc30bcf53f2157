-- All sessions of the range in one row: how many, how long, how many tracks, and the longest one.
-- Sessions are cut as in the `sessions` report (session_id, else a gap of more than $gap_minutes).
-- Listens of a user that start at the same instant need no order among them: durations are never
-- negative, so the second of two never starts after the first has ended, and they share a session.
WITH timed AS (
  SELECT user_id, session_id, local_at,
         epoch_ms(listened_at) AS start_ms,
         epoch_ms(listened_at) + coalesce(ms_played, 0) AS end_ms
  FROM range_listens
),
marked AS (
  SELECT *,
    CASE WHEN start_ms - max(end_ms) OVER (PARTITION BY user_id ORDER BY start_ms ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
              <= $gap_minutes * 60000 THEN 0 ELSE 1 END AS opens
  FROM timed
),
numbered AS (
  SELECT *, sum(opens) OVER (PARTITION BY user_id ORDER BY start_ms ROWS UNBOUNDED PRECEDING) AS gap_session
  FROM marked
),
per_session AS (
  SELECT user_id, coalesce('id:' || session_id, 'gap:' || gap_session) AS session,
         min(start_ms) AS start_ms, min(local_at) AS started, (max(end_ms) - min(start_ms)) / 60000 AS minutes, count(*) AS tracks
  FROM numbered
  GROUP BY 1, 2
)
SELECT
  count(*) AS sessions,
  count(DISTINCT user_id) AS users,
  round(avg(minutes), 1) AS avg_minutes,
  round(median(minutes), 1) AS median_minutes,
  round(avg(tracks), 2) AS avg_tracks,
  round(max(minutes), 1) AS longest_minutes,
  first(user_id ORDER BY minutes DESC, start_ms, user_id) AS longest_user,
  first(started ORDER BY minutes DESC, start_ms, user_id) AS longest_started
FROM per_session
