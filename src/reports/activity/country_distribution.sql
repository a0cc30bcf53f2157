-- Plays by country ('unknown' where the source does not say), with listeners and the share of all plays.
SELECT
  coalesce(country, 'unknown') AS country,
  count(*) AS plays,
  count(DISTINCT user_id) AS listeners,
  round(count(*) / sum(count(*)) OVER (), 4) AS share
FROM range_listens
GROUP BY 1
ORDER BY plays DESC, country
