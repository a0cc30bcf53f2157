-- Plays by weekday (1 = Monday ... 7 = Sunday) and hour (0-23), in --tz: all 168 cells, for a heat map.
WITH cells AS (
  SELECT isodow(local_at) AS weekday, hour(local_at) AS hour, count(*) AS plays
  FROM range_listens
  GROUP BY 1, 2
)
SELECT
  d.weekday::INTEGER AS weekday,
  ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d.weekday] AS weekday_name,
  h.hour::INTEGER AS hour,
  coalesce(c.plays, 0) AS plays
FROM range(1, 8) AS d(weekday)
CROSS JOIN range(24) AS h(hour)
LEFT JOIN cells c ON c.weekday = d.weekday AND c.hour = h.hour
ORDER BY weekday, hour
