-- Skip and completion rates per song, artist, genre, user and platform: skips and completions over
-- plays (a play = a listen; action skip / complete, which Spotify exports derive from skipped and
-- reason_end). Keys with fewer than $min_plays plays are left out.
WITH plays AS (
  SELECT l.user_id, coalesce(l.platform, 'unknown') AS platform, l.action,
         coalesce(l.song_id, l.track_key) AS song_id,
         coalesce(t.artist_name, l.artist_name) AS artist_name, t.genre
  FROM range_listens l
  LEFT JOIN tracks t ON t.track_key = l.track_key
),
counted AS (
  SELECT 'song' AS dimension, song_id AS key, count(*) AS plays,
         count(*) FILTER (WHERE action = 'skip') AS skips, count(*) FILTER (WHERE action = 'complete') AS completions
  FROM plays GROUP BY song_id
  UNION ALL
  SELECT 'artist', artist_name, count(*), count(*) FILTER (WHERE action = 'skip'), count(*) FILTER (WHERE action = 'complete')
  FROM plays WHERE artist_name IS NOT NULL GROUP BY artist_name
  UNION ALL
  SELECT 'genre', genre, count(*), count(*) FILTER (WHERE action = 'skip'), count(*) FILTER (WHERE action = 'complete')
  FROM plays WHERE genre IS NOT NULL GROUP BY genre
  UNION ALL
  SELECT 'user', user_id, count(*), count(*) FILTER (WHERE action = 'skip'), count(*) FILTER (WHERE action = 'complete')
  FROM plays GROUP BY user_id
  UNION ALL
  SELECT 'platform', platform, count(*), count(*) FILTER (WHERE action = 'skip'), count(*) FILTER (WHERE action = 'complete')
  FROM plays GROUP BY platform
)
SELECT dimension, key, plays, skips, completions,
       round(skips / plays, 4) AS skip_rate,
       round(completions / plays, 4) AS completion_rate
FROM counted
WHERE plays >= $min_plays
ORDER BY dimension, plays DESC, key
