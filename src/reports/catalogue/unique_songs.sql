-- How much of the catalogue the range reaches, in one row: distinct songs played, catalogue size,
-- catalogue songs played and never played, coverage, songs played that the catalogue lacks, and songs
-- with a single listener or a single play.
WITH song_plays AS (
  SELECT track_key, count(*) AS plays, count(DISTINCT user_id) AS listeners
  FROM range_listens
  GROUP BY track_key
),
catalogue AS (
  SELECT DISTINCT track_key FROM tracks
)
SELECT
  (SELECT count(*) FROM song_plays) AS songs_played,
  (SELECT count(*) FROM catalogue) AS catalogue_songs,
  (SELECT count(*) FROM song_plays s SEMI JOIN catalogue c ON c.track_key = s.track_key) AS catalogue_songs_played,
  (SELECT count(*) FROM catalogue c ANTI JOIN song_plays s ON s.track_key = c.track_key) AS catalogue_songs_never_played,
  round((SELECT count(*) FROM song_plays s SEMI JOIN catalogue c ON c.track_key = s.track_key) / nullif((SELECT count(*) FROM catalogue), 0), 4) AS catalogue_coverage,
  (SELECT count(*) FROM song_plays s ANTI JOIN catalogue c ON c.track_key = s.track_key) AS songs_not_in_catalogue,
  (SELECT count(*) FROM song_plays WHERE listeners = 1) AS single_listener_songs,
  (SELECT count(*) FROM song_plays WHERE plays = 1) AS single_play_songs
