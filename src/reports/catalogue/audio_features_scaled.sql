-- Audio features of every catalogue track that has any, each min-max scaled over the catalogue to
-- [0, 1]: (value - min) / (max - min), 0.5 when every track has the same value, empty where not given.
-- tempo (BPM) and loudness (dB) become comparable with the 0-1 features this way. 4 decimals.
WITH bounds AS (
  SELECT
    min(danceability) AS danceability_min, max(danceability) AS danceability_max,
    min(energy) AS energy_min, max(energy) AS energy_max,
    min(valence) AS valence_min, max(valence) AS valence_max,
    min(tempo) AS tempo_min, max(tempo) AS tempo_max,
    min(loudness) AS loudness_min, max(loudness) AS loudness_max,
    min(acousticness) AS acousticness_min, max(acousticness) AS acousticness_max,
    min(instrumentalness) AS instrumentalness_min, max(instrumentalness) AS instrumentalness_max,
    min(speechiness) AS speechiness_min, max(speechiness) AS speechiness_max,
    min(liveness) AS liveness_min, max(liveness) AS liveness_max
  FROM tracks
)
SELECT
  coalesce(t.song_id, t.track_key) AS song_id,
  t.title,
  t.artist_name,
  round(CASE WHEN t.danceability IS NULL THEN NULL WHEN b.danceability_max > b.danceability_min THEN (t.danceability - b.danceability_min) / (b.danceability_max - b.danceability_min) ELSE 0.5 END, 4) AS danceability,
  round(CASE WHEN t.energy IS NULL THEN NULL WHEN b.energy_max > b.energy_min THEN (t.energy - b.energy_min) / (b.energy_max - b.energy_min) ELSE 0.5 END, 4) AS energy,
  round(CASE WHEN t.valence IS NULL THEN NULL WHEN b.valence_max > b.valence_min THEN (t.valence - b.valence_min) / (b.valence_max - b.valence_min) ELSE 0.5 END, 4) AS valence,
  round(CASE WHEN t.tempo IS NULL THEN NULL WHEN b.tempo_max > b.tempo_min THEN (t.tempo - b.tempo_min) / (b.tempo_max - b.tempo_min) ELSE 0.5 END, 4) AS tempo,
  round(CASE WHEN t.loudness IS NULL THEN NULL WHEN b.loudness_max > b.loudness_min THEN (t.loudness - b.loudness_min) / (b.loudness_max - b.loudness_min) ELSE 0.5 END, 4) AS loudness,
  round(CASE WHEN t.acousticness IS NULL THEN NULL WHEN b.acousticness_max > b.acousticness_min THEN (t.acousticness - b.acousticness_min) / (b.acousticness_max - b.acousticness_min) ELSE 0.5 END, 4) AS acousticness,
  round(CASE WHEN t.instrumentalness IS NULL THEN NULL WHEN b.instrumentalness_max > b.instrumentalness_min THEN (t.instrumentalness - b.instrumentalness_min) / (b.instrumentalness_max - b.instrumentalness_min) ELSE 0.5 END, 4) AS instrumentalness,
  round(CASE WHEN t.speechiness IS NULL THEN NULL WHEN b.speechiness_max > b.speechiness_min THEN (t.speechiness - b.speechiness_min) / (b.speechiness_max - b.speechiness_min) ELSE 0.5 END, 4) AS speechiness,
  round(CASE WHEN t.liveness IS NULL THEN NULL WHEN b.liveness_max > b.liveness_min THEN (t.liveness - b.liveness_min) / (b.liveness_max - b.liveness_min) ELSE 0.5 END, 4) AS liveness
FROM tracks t
CROSS JOIN bounds b
WHERE coalesce(t.danceability, t.energy, t.valence, t.tempo, t.loudness, t.acousticness, t.instrumentalness, t.speechiness, t.liveness) IS NOT NULL
ORDER BY song_id
