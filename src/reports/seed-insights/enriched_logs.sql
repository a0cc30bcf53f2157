-- Every listen with its catalogue entry, in the seed's columns. timestamp is the start of the play as
-- wall-clock time in --tz; a listen of a track missing from the catalogue keeps empty catalogue fields.
SELECT
  l.user_id,
  coalesce(l.song_id, l.track_key) AS song_id,
  l.local_at AS "timestamp",
  l.ms_played / 1000 AS duration_sec,
  t.title,
  t.artist_name AS artist,
  t.genre,
  t.mood
FROM range_listens l
LEFT JOIN tracks t ON t.track_key = l.track_key
ORDER BY l.listened_at, l.user_id, song_id
