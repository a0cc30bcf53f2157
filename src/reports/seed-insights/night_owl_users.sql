-- Users with plays starting between 00:00 and 05:00 (05:00 excluded) in --tz, and how many.
SELECT user_id, count(*) AS night_plays
FROM range_listens
WHERE hour(local_at) < 5
GROUP BY user_id
ORDER BY user_id
