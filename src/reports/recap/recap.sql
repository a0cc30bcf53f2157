-- A Wrapped-style recap of one user's listening in the range ($user; empty = the user with the most
-- plays), one row per fact:
--   section  what the row tells (user, minutes, plays, tracks, artists, genres, skip_rate, top_track,
--            top_artist, top_genre, top_mood, clock, new_artists, new_artist, longest_streak, sessions,
--            longest_session, longest_session_tracks, peak_hour, platform)
--   rank     the place in a top list; for clock, (weekday - 1) * 24 + hour
--   label    the name (track title, artist, genre, mood, 'Mon 08', the first day of a streak, ...)
--   value    the number (plays, minutes, days, a rate, the hour)
--   detail   what else there is (a track's artist, the last day of a streak, a discovery's first day)
-- A platform row is one device or platform (label; 'unknown' where none is recorded): value = plays,
-- detail = skips, and rank orders them by plays; its skip rate is the platform_skip_rate row of the same
-- rank.
-- Days and hours are in --tz. Sessions are cut as in the activity reports (session_id, else a gap of
-- more than $gap_minutes; listens that start at the same instant share a session, in any order). An
-- artist is new when the user's first listen of them ever (in the whole lake) falls in the range.
WITH who AS (
  SELECT $user AS user_id WHERE $user <> ''
  UNION ALL
  (SELECT user_id FROM range_listens WHERE $user = '' GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1)
),
-- The user's listens over all time, read from the lake once: the range's are `mine`, and the first
-- listen of each artist (for discoveries) needs the rest.
everything AS MATERIALIZED (
  SELECT l.listened_at, l.track_key, l.ms_played, l.action, l.session_id, l.platform,
         coalesce(t.title, l.track_name, l.track_key) AS title,
         coalesce(t.artist_name, l.artist_name) AS artist,
         t.genre, t.mood
  FROM listens l
  LEFT JOIN tracks t ON t.track_key = l.track_key
  -- $user itself when given: a constant the Parquet scan can filter on as it reads (a subquery it cannot).
  WHERE l.user_id = CASE WHEN $user <> '' THEN $user ELSE (SELECT user_id FROM who) END
),
mine AS MATERIALIZED (
  SELECT e.*, report_local(e.listened_at) AS local_at
  FROM everything e, report_range r
  WHERE (r.from_at IS NULL OR e.listened_at >= r.from_at) AND (r.to_at IS NULL OR e.listened_at < r.to_at)
),
totals AS (
  SELECT 1 AS ord, 'user' AS section, NULL::BIGINT AS rank, (SELECT user_id FROM who) AS label, NULL::DOUBLE AS value, NULL::VARCHAR AS detail
  UNION ALL SELECT 2, 'minutes', NULL, NULL, round(coalesce(sum(ms_played), 0) / 60000, 1), NULL FROM mine
  UNION ALL SELECT 3, 'plays', NULL, NULL, count(*), NULL FROM mine
  UNION ALL SELECT 4, 'tracks', NULL, NULL, count(DISTINCT track_key), NULL FROM mine
  UNION ALL SELECT 5, 'artists', NULL, NULL, count(DISTINCT artist), NULL FROM mine
  UNION ALL SELECT 6, 'genres', NULL, NULL, count(DISTINCT genre), NULL FROM mine
  UNION ALL SELECT 7, 'skip_rate', NULL, NULL, round(count(*) FILTER (WHERE action = 'skip') / nullif(count(*), 0), 4), NULL FROM mine
),
tops AS (
  SELECT 10 AS ord, 'top_track' AS section, row_number() OVER (ORDER BY count(*) DESC, min(title), track_key) AS rank,
         min(title) AS label, count(*)::DOUBLE AS value, min(artist) AS detail
  FROM mine GROUP BY track_key QUALIFY row_number() OVER (ORDER BY count(*) DESC, min(title), track_key) <= $top
  UNION ALL
  SELECT 11, 'top_artist', row_number() OVER (ORDER BY count(*) DESC, artist), artist, count(*), NULL
  FROM mine WHERE artist IS NOT NULL GROUP BY artist QUALIFY row_number() OVER (ORDER BY count(*) DESC, artist) <= $top
  UNION ALL
  SELECT 12, 'top_genre', row_number() OVER (ORDER BY count(*) DESC, genre), genre, count(*), NULL
  FROM mine WHERE genre IS NOT NULL GROUP BY genre QUALIFY row_number() OVER (ORDER BY count(*) DESC, genre) <= $top
  UNION ALL
  SELECT 13, 'top_mood', row_number() OVER (ORDER BY count(*) DESC, mood), mood, count(*), NULL
  FROM mine WHERE mood IS NOT NULL GROUP BY mood QUALIFY row_number() OVER (ORDER BY count(*) DESC, mood) <= $top
),
clock AS (
  SELECT 20 AS ord, 'clock' AS section, (isodow(local_at) - 1) * 24 + hour(local_at) AS rank,
         ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][isodow(local_at)] || ' ' || lpad(hour(local_at)::VARCHAR, 2, '0') AS label,
         count(*)::DOUBLE AS value, NULL::VARCHAR AS detail
  FROM mine GROUP BY 3, 4
),
firsts AS (
  SELECT artist, min(listened_at) AS first_at FROM everything WHERE artist IS NOT NULL GROUP BY 1
),
discovered AS (
  SELECT m.artist, count(*) AS plays, min(m.local_at)::DATE AS first_day
  FROM mine m
  JOIN firsts f ON f.artist = m.artist
  WHERE f.first_at >= coalesce((SELECT from_at FROM report_range), f.first_at)
  GROUP BY m.artist
),
discoveries AS (
  SELECT 30 AS ord, 'new_artists' AS section, NULL::BIGINT AS rank, NULL::VARCHAR AS label, count(*)::DOUBLE AS value, NULL::VARCHAR AS detail FROM discovered
  UNION ALL
  SELECT 31, 'new_artist', row_number() OVER (ORDER BY plays DESC, artist), artist, plays, first_day::VARCHAR
  FROM discovered QUALIFY row_number() OVER (ORDER BY plays DESC, artist) <= 10
),
days AS (
  SELECT DISTINCT local_at::DATE AS day FROM mine
),
streaks AS (
  SELECT min(day) AS first_day, max(day) AS last_day, count(*) AS days
  FROM (SELECT day, day - row_number() OVER (ORDER BY day)::INTEGER AS island FROM days)
  GROUP BY island
),
streak AS (
  SELECT 40 AS ord, 'longest_streak' AS section, NULL::BIGINT AS rank, first_day::VARCHAR AS label, days::DOUBLE AS value, last_day::VARCHAR AS detail
  FROM streaks ORDER BY days DESC, first_day LIMIT 1
),
timed AS (
  SELECT session_id, local_at, epoch_ms(listened_at) AS start_ms, epoch_ms(listened_at) + coalesce(ms_played, 0) AS end_ms
  FROM mine
),
cut AS (
  SELECT *, sum(opens) OVER (ORDER BY start_ms ROWS UNBOUNDED PRECEDING) AS gap_session
  FROM (
    SELECT *, CASE WHEN start_ms - max(end_ms) OVER (ORDER BY start_ms ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                        <= $gap_minutes * 60000 THEN 0 ELSE 1 END AS opens
    FROM timed
  )
),
per_session AS (
  SELECT coalesce('id:' || session_id, 'gap:' || gap_session) AS session, min(start_ms) AS start_ms, min(local_at) AS started,
         (max(end_ms) - min(start_ms)) / 60000 AS minutes, count(*) AS tracks
  FROM cut GROUP BY 1
),
longest AS (
  SELECT * FROM per_session ORDER BY minutes DESC, start_ms LIMIT 1
),
session_rows AS (
  SELECT 50 AS ord, 'sessions' AS section, NULL::BIGINT AS rank, NULL::VARCHAR AS label, count(*)::DOUBLE AS value, NULL::VARCHAR AS detail FROM per_session
  UNION ALL SELECT 51, 'longest_session', NULL, strftime(started, '%Y-%m-%d %H:%M'), round(minutes, 1), NULL FROM longest
  UNION ALL SELECT 52, 'longest_session_tracks', NULL, strftime(started, '%Y-%m-%d %H:%M'), tracks, NULL FROM longest
),
peak AS (
  SELECT 60 AS ord, 'peak_hour' AS section, NULL::BIGINT AS rank,
         CASE WHEN hour BETWEEN 5 AND 8 THEN 'early bird' WHEN hour BETWEEN 9 AND 16 THEN 'daytime listener'
              WHEN hour BETWEEN 17 AND 21 THEN 'evening listener' ELSE 'night owl' END AS label,
         hour::DOUBLE AS value, plays::VARCHAR AS detail
  FROM (SELECT hour(local_at) AS hour, count(*) AS plays FROM mine GROUP BY 1 ORDER BY plays DESC, hour LIMIT 1)
),
per_platform AS (
  SELECT coalesce(platform, 'unknown') AS platform, count(*) AS plays, count(*) FILTER (WHERE action = 'skip') AS skips,
         row_number() OVER (ORDER BY count(*) DESC, coalesce(platform, 'unknown')) AS rank
  FROM mine GROUP BY 1
),
platforms AS (
  SELECT 70 AS ord, 'platform' AS section, rank, platform AS label, plays::DOUBLE AS value, skips::VARCHAR AS detail FROM per_platform
  UNION ALL
  SELECT 71, 'platform_skip_rate', rank, platform, round(skips / plays, 4), NULL FROM per_platform
)
SELECT section, rank, label, value, detail
FROM (
  SELECT * FROM totals
  UNION ALL SELECT * FROM tops
  UNION ALL SELECT * FROM clock
  UNION ALL SELECT * FROM discoveries
  UNION ALL SELECT * FROM streak
  UNION ALL SELECT * FROM session_rows
  UNION ALL SELECT * FROM peak
  UNION ALL SELECT * FROM platforms
)
ORDER BY ord, rank
