-- Plays by hour of day (0-23, in --tz), every hour listed, with listeners and the share of all plays.
WITH by_hour AS (
  SELECT hour(local_at) AS hour, count(*) AS plays, count(DISTINCT user_id) AS listeners
  FROM range_listens
  GROUP BY 1
)
SELECT
  h.hour::INTEGER AS hour,
  coalesce(b.plays, 0) AS plays,
  coalesce(b.listeners, 0) AS listeners,
  coalesce(round(b.plays / sum(b.plays) OVER (), 4), 0) AS share
FROM range(24) AS h(hour)
LEFT JOIN by_hour b ON b.hour = h.hour
ORDER BY hour
