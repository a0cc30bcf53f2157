#!/usr/bin/env python3
"""The seven seed-insights tasks in pandas, with earshot's semantics, as the benchmark's baseline.

usage: python3 bench/pandas_seed_insights.py listening_logs.csv songs_metadata.csv OUT_DIR [THRESHOLD]

Reads the CSV pair, drops what earshot's import rejects (missing user or song id, a timestamp or
duration that does not parse, a duration outside 0..24 h) and duplicates (same user, song and time;
first wins), then writes OUT_DIR/<task>.csv for the seven tasks of src/reports/seed-insights/.
Timestamps without a zone are UTC; hours and weeks are UTC. Prints one JSON line at the end:
{"seconds": ..., "maxRssMb": ..., "result": {task: rows}} (the same shape as earshot's bench children).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd


def round_half_up(num, den, places):
    """num / den rounded half up to `places` decimals, on integers (as the SQL does)."""
    scale = 10 ** places
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64)
    return ((2 * num * scale + den) // (2 * den)) / scale


def first_by(df, key, order, ascending):
    """The first row per `key` after sorting by `order`."""
    return df.sort_values(order, ascending=ascending, kind="stable").drop_duplicates(key)


def main(logs_path, songs_path, out, threshold=0.8):
    t0 = time.perf_counter()
    os.makedirs(out, exist_ok=True)
    raw = pd.read_csv(logs_path, dtype=str, on_bad_lines="skip", engine="c")
    ts = pd.to_datetime(raw["timestamp"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    dur = pd.to_numeric(raw["duration_sec"], errors="coerce")
    ok = raw["user_id"].notna() & raw["song_id"].notna() & ts.notna() & (dur >= 0) & (dur <= 86400)
    logs = pd.DataFrame({"user_id": raw["user_id"][ok], "song_id": raw["song_id"][ok], "ts": ts[ok], "ms": (dur[ok] * 1000).round().astype(np.int64)})
    del raw, ts, dur
    logs = logs.drop_duplicates(["user_id", "song_id", "ts"])
    songs = pd.read_csv(songs_path, dtype=str, usecols=["song_id", "title", "artist", "genre", "mood"], on_bad_lines="skip")
    songs = songs.dropna(subset=["song_id"]).drop_duplicates("song_id")
    rows = {}

    def write(name, df):
        df.to_csv(os.path.join(out, f"{name}.csv"), index=False)
        rows[name] = len(df)

    cat = logs[["user_id", "song_id"]].merge(songs[["song_id", "genre", "mood"]], on="song_id", how="inner")

    # user_favorite_genres
    gp = cat.groupby(["user_id", "genre"], dropna=False, sort=False).size().reset_index(name="plays")
    fav = first_by(gp[gp["genre"].notna()], "user_id", ["user_id", "plays", "genre"], [True, False, True])
    write("user_favorite_genres", fav.rename(columns={"plays": "play_count"})[["user_id", "genre", "play_count"]].sort_values("user_id"))

    # avg_listen_time_per_song
    agg = logs.groupby("song_id", sort=True)["ms"].agg(["sum", "count"]).reset_index()
    agg["avg_duration"] = ((2 * agg["sum"] + 10 * agg["count"]) // (20 * agg["count"])) / 100
    write("avg_listen_time_per_song", agg[["song_id", "avg_duration"]])

    # top_songs_this_week
    latest = logs["ts"].max()
    monday = latest.normalize() - pd.Timedelta(days=latest.weekday())
    week = logs[(logs["ts"] >= monday) & (logs["ts"] < monday + pd.Timedelta(days=7))]
    top = week.groupby("song_id").size().reset_index(name="plays")
    write("top_songs_this_week", top.sort_values(["plays", "song_id"], ascending=[False, True]).head(10))

    # happy_recommendations
    moods = cat[cat["mood"].notna()].groupby(["user_id", "mood"], sort=False).size().reset_index(name="n")
    top_mood = first_by(moods, "user_id", ["user_id", "n", "mood"], [True, False, True])
    sad = top_mood[top_mood["mood"] == "Sad"][["user_id", "n"]].rename(columns={"n": "sad_count"})
    plays = logs.groupby("song_id").size()
    happy = songs[songs["mood"] == "Happy"][["song_id", "title"]].copy()
    happy["plays"] = happy["song_id"].map(plays).fillna(0).astype(np.int64)
    happy = happy.sort_values(["plays", "song_id"], ascending=[False, True]).reset_index(drop=True)
    happy["rank"] = np.arange(1, len(happy) + 1)
    heard = logs[logs["user_id"].isin(sad["user_id"])][["user_id", "song_id"]].drop_duplicates().merge(happy[["song_id", "rank"]], on="song_id")
    budget = sad.set_index("user_id")["sad_count"].copy()
    budget[:] = 3
    budget = budget.add(heard.groupby("user_id").size(), fill_value=0).astype(np.int64)
    users = np.repeat(budget.index.to_numpy(), budget.to_numpy())
    ranks = np.concatenate([np.arange(1, b + 1) for b in budget.to_numpy()]) if len(budget) else np.array([], dtype=np.int64)
    cand = pd.DataFrame({"user_id": users, "rank": ranks})
    cand = cand[cand["rank"] <= len(happy)].merge(heard[["user_id", "rank"]], on=["user_id", "rank"], how="left", indicator=True)
    cand = cand[cand["_merge"] == "left_only"].sort_values(["user_id", "rank"]).groupby("user_id").head(3)
    rec = cand.merge(happy[["rank", "song_id", "title"]], on="rank").merge(sad, on="user_id").sort_values(["user_id", "rank"])
    write("happy_recommendations", rec[["user_id", "song_id", "title", "sad_count"]])

    # genre_loyalty_scores
    gp["total"] = gp.groupby("user_id")["plays"].transform("sum")
    best = first_by(gp[gp["genre"].notna()], "user_id", ["user_id", "plays", "genre"], [True, False, True]).copy()
    best["loyalty_score"] = round_half_up(best["plays"], best["total"], 4)
    write("genre_loyalty_scores", best[best["loyalty_score"] > threshold][["user_id", "genre", "loyalty_score"]].sort_values("user_id"))

    # night_owl_users
    night = logs[logs["ts"].dt.hour < 5].groupby("user_id").size().reset_index(name="night_plays")
    write("night_owl_users", night.sort_values("user_id"))

    # enriched_logs
    enriched = logs.merge(songs, on="song_id", how="left").sort_values(["ts", "user_id", "song_id"], kind="stable")
    enriched = pd.DataFrame({
        "user_id": enriched["user_id"], "song_id": enriched["song_id"], "timestamp": enriched["ts"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "duration_sec": enriched["ms"] / 1000, "title": enriched["title"], "artist": enriched["artist"], "genre": enriched["genre"], "mood": enriched["mood"],
    })
    write("enriched_logs", enriched)

    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "maxRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "result": rows}))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 0.8)
