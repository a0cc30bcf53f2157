-- The genre each user plays most. Ties go to the genre that sorts first. Only plays of tracks in the
-- catalogue that have a genre count.
WITH genre_plays AS (
  SELECT l.user_id, t.genre, count(*) AS play_count
  FROM range_listens l
  JOIN tracks t ON t.track_key = l.track_key
  WHERE t.genre IS NOT NULL
  GROUP BY l.user_id, t.genre
)
SELECT user_id, genre, play_count
FROM genre_plays
QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY play_count DESC, genre) = 1
ORDER BY user_id
