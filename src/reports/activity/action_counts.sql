-- Plays by outcome: complete (played to the end), skip (ended early by the listener), pause (ended
-- while paused), play (outcome unknown or still going). share is of all plays in the range.
SELECT action, count(*) AS plays, round(count(*) / sum(count(*)) OVER (), 4) AS share
FROM range_listens
GROUP BY action
ORDER BY plays DESC, action
