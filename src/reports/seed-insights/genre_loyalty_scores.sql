-- How loyal each user is to their favourite genre: plays of that genre (as in user_favorite_genres)
-- divided by the user's plays of catalogued tracks (with a genre or not), rounded to 4 decimals (half
-- up, on whole numbers: (2·plays·10⁴ + total) // (2·total) ten-thousandths). Only users whose rounded
-- score is above $threshold are kept.
WITH genre_plays AS (
  SELECT l.user_id, t.genre, count(*) AS plays
  FROM range_listens l
  JOIN tracks t ON t.track_key = l.track_key
  GROUP BY l.user_id, t.genre
),
favourite AS (
  SELECT user_id, genre, plays, sum(plays) OVER (PARTITION BY user_id) AS catalogued_plays
  FROM genre_plays
  QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY genre IS NULL, plays DESC, genre) = 1
),
scored AS (
  SELECT user_id, genre, ((2 * plays * 10000 + catalogued_plays) // (2 * catalogued_plays)) / 10000 AS loyalty_score
  FROM favourite
  WHERE genre IS NOT NULL
)
SELECT user_id, genre, loyalty_score
FROM scored
WHERE loyalty_score > $threshold
ORDER BY user_id
