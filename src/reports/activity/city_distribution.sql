-- Plays by city (listens with a known city only), with listeners and the share of ALL plays in the range.
SELECT
  country,
  city,
  count(*) AS plays,
  count(DISTINCT user_id) AS listeners,
  round(count(*) / (SELECT count(*) FROM range_listens), 4) AS share
FROM range_listens
WHERE city IS NOT NULL
GROUP BY country, city
ORDER BY plays DESC, country, city
