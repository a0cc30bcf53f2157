-- Mean seconds played per song, rounded to 2 decimals (half up). The rounding is done on whole
-- numbers, (2·ms + 10·n) // (20·n) hundredths of a second, so a mean of exactly x.xx5 always rounds
-- up, which binary floating point cannot promise. Plays whose duration the source does not give
-- (ms_played NULL, e.g. skipped events of a play-event stream) are left out of the mean.
SELECT
  coalesce(song_id, track_key) AS song_id,
  ((2 * sum(ms_played) + 10 * count(ms_played)) // (20 * count(ms_played))) / 100 AS avg_duration
FROM range_listens
WHERE ms_played IS NOT NULL
GROUP BY 1
ORDER BY song_id
