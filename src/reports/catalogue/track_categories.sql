-- Every catalogue track with its age and popularity category and its plays in the range.
-- Age is counted from the release year to the year the range ends (--to, else the latest listen, else
-- today): new <= 1 year, recent <= 5, established <= 15, classic above; unknown without a release date.
-- Popularity (0-100): hit >= 70, popular >= 40, niche below; unknown where not given.
WITH reference AS (
  SELECT year(coalesce(r.to_date, (SELECT max(local_at) FROM range_listens)::DATE, current_date)) AS ref_year
  FROM report_range r
),
song_plays AS (
  SELECT track_key, count(*) AS plays FROM range_listens GROUP BY track_key
),
dated AS (
  SELECT track_key, coalesce(song_id, track_key) AS song_id, title, artist_name, popularity,
         TRY_CAST(left(release_date, 4) AS INTEGER) AS release_year
  FROM tracks
)
SELECT
  d.song_id,
  d.title,
  d.artist_name,
  d.release_year,
  r.ref_year - d.release_year AS age_years,
  CASE
    WHEN d.release_year IS NULL THEN 'unknown'
    WHEN r.ref_year - d.release_year <= 1 THEN 'new'
    WHEN r.ref_year - d.release_year <= 5 THEN 'recent'
    WHEN r.ref_year - d.release_year <= 15 THEN 'established'
    ELSE 'classic'
  END AS age_category,
  d.popularity,
  CASE
    WHEN d.popularity IS NULL THEN 'unknown'
    WHEN d.popularity >= 70 THEN 'hit'
    WHEN d.popularity >= 40 THEN 'popular'
    ELSE 'niche'
  END AS popularity_category,
  coalesce(p.plays, 0) AS plays
FROM dated d
CROSS JOIN reference r
LEFT JOIN song_plays p ON p.track_key = d.track_key
ORDER BY d.song_id
