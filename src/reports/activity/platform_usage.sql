-- Plays by device or platform ('unknown' where the source does not say), with listeners, minutes and
-- the share of all plays.
SELECT
  coalesce(platform, 'unknown') AS platform,
  count(*) AS plays,
  count(DISTINCT user_id) AS listeners,
  coalesce(round(sum(ms_played) / 60000, 1), 0) AS minutes,
  round(count(*) / sum(count(*)) OVER (), 4) AS share
FROM range_listens
GROUP BY 1
ORDER BY plays DESC, platform
