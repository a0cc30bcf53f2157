-- For each user whose most played mood is Sad (ties go to the mood that sorts first), up to 3 Happy
-- songs of the catalogue the user never played in the range: the most played overall first, ties by
-- song_id. sad_count is the user's plays of Sad songs.
--
-- A user's answer lies among the first 3 + (Happy songs the user played) songs of the overall Happy
-- ranking, so each user is joined with that many candidates only, not with the whole catalogue.
WITH plays AS (
  SELECT l.user_id, l.track_key, t.mood
  FROM range_listens l
  JOIN tracks t ON t.track_key = l.track_key
),
sad_users AS (
  SELECT user_id, count(*) AS sad_count
  FROM plays
  WHERE mood IS NOT NULL
  GROUP BY user_id, mood
  QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY count(*) DESC, mood) = 1 AND mood = 'Sad'
),
song_plays AS (
  SELECT track_key, count(*) AS plays FROM range_listens GROUP BY track_key
),
happy AS (
  SELECT t.track_key, coalesce(t.song_id, t.track_key) AS song_id, t.title, coalesce(p.plays, 0) AS plays,
         row_number() OVER (ORDER BY coalesce(p.plays, 0) DESC, coalesce(t.song_id, t.track_key)) AS happy_rank
  FROM tracks t
  LEFT JOIN song_plays p ON p.track_key = t.track_key
  WHERE t.mood = 'Happy'
),
heard AS (
  SELECT DISTINCT p.user_id, h.happy_rank
  FROM plays p
  JOIN sad_users s ON s.user_id = p.user_id
  JOIN happy h ON h.track_key = p.track_key
),
budget AS (
  SELECT s.user_id, s.sad_count, 3 + count(x.happy_rank) AS candidates
  FROM sad_users s
  LEFT JOIN heard x ON x.user_id = s.user_id
  GROUP BY s.user_id, s.sad_count
),
picks AS (
  SELECT b.user_id, h.song_id, h.title, b.sad_count, h.happy_rank
  FROM budget b
  JOIN happy h ON h.happy_rank <= b.candidates
  ANTI JOIN heard x ON x.user_id = b.user_id AND x.happy_rank = h.happy_rank
  QUALIFY row_number() OVER (PARTITION BY b.user_id ORDER BY h.happy_rank) <= 3
)
SELECT user_id, song_id, title, sad_count
FROM picks
ORDER BY user_id, happy_rank
