"""Fit Sentinel's model families with scikit-learn / XGBoost on a feature matrix and time them.

Usage: sklearn_bench.py MATRIX.csv [--json OUT.json] [--runs 3]

Same split, scaling and hyper-parameters as the ML reference fixtures (Tests/LearningTests/
Fixtures/README.md): time-ordered 80/20 split with the 6-row horizon purged, StandardScaler
fitted on train, every model fitted on scaled train and scored on the scaled hold-out.
Each fit is timed on its own (median of --runs); "whole_set" fits all of them in sequence.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestRegressor)
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler
from xgboost import XGBRegressor

HORIZON = 6


def load(path):
    frame = pd.read_csv(path)
    features = [c for c in frame.columns
                if c not in ("timestamp_ms", "split", "target_log_return", "target_direction")]
    n = len(frame)
    n_train_raw = int(math.floor(0.8 * n))
    train = slice(0, n_train_raw - HORIZON)
    holdout = slice(n_train_raw, n)
    x = frame[features].to_numpy(dtype=np.float64)
    y = frame["target_log_return"].to_numpy(dtype=np.float64)
    y_dir = frame["target_direction"].to_numpy(dtype=np.int64)
    return x[train], x[holdout], y[train], y[holdout], y_dir[train], y_dir[holdout]


def rmse(pred, actual):
    return float(np.sqrt(np.mean((np.asarray(pred) - actual) ** 2)))


def families(x_train, x_test, y_train, y_test, d_train, d_test):
    """name -> fit-and-score function returning (score_name, score)."""
    def ridge():
        m = Ridge(alpha=1.0).fit(x_train, y_train)
        return "rmse", rmse(m.predict(x_test), y_test)

    def random_forest():
        m = RandomForestRegressor(n_estimators=100, max_depth=10, random_state=42, n_jobs=-1)
        m.fit(x_train, y_train)
        return "rmse", rmse(m.predict(x_test), y_test)

    def gradient_boosting():
        m = GradientBoostingRegressor(n_estimators=100, max_depth=5, learning_rate=0.1, random_state=42)
        m.fit(x_train, y_train)
        return "rmse", rmse(m.predict(x_test), y_test)

    def xgboost():
        m = XGBRegressor(n_estimators=100, max_depth=6, learning_rate=0.1, reg_lambda=1,
                         tree_method="hist", random_state=42, n_jobs=2)
        m.fit(x_train, y_train)
        return "rmse", rmse(m.predict(x_test), y_test)

    def direction_classifier():
        m = GradientBoostingClassifier(n_estimators=100, max_depth=5, learning_rate=0.1, random_state=42)
        m.fit(x_train, d_train)
        return "accuracy", float(np.mean(m.predict(x_test) == d_test))

    def pca_kmeans():
        pca = PCA(n_components=5).fit(x_train)
        km = KMeans(n_clusters=4, n_init=10, random_state=42).fit(pca.transform(x_train))
        return "inertia", float(km.inertia_)

    return {"ridge": ridge, "random_forest": random_forest, "gradient_boosting": gradient_boosting,
            "xgboost": xgboost, "direction_classifier": direction_classifier, "pca_kmeans": pca_kmeans}


def median_time(fn, runs):
    times, score = [], None
    for _ in range(runs):
        start = time.perf_counter()
        score = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), score


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("matrix")
    parser.add_argument("--json")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    x_train_raw, x_test_raw, y_train, y_test, d_train, d_test = load(args.matrix)
    scaler = StandardScaler().fit(x_train_raw)
    x_train, x_test = scaler.transform(x_train_raw), scaler.transform(x_test_raw)
    prepare = time.perf_counter() - start

    fams = families(x_train, x_test, y_train, y_test, d_train, d_test)
    results = {}
    for name, fn in fams.items():
        seconds, (score_name, score) = median_time(fn, args.runs)
        results[name] = {"seconds": seconds, "score_name": score_name, "score": score}

    def whole():
        for fn in fams.values():
            fn()
        return ("-", float("nan"))
    seconds, _ = median_time(whole, args.runs)
    results["whole_set"] = {"seconds": seconds, "score_name": "-", "score": None}
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    print(f"scikit-learn / xgboost on {args.matrix}: train {len(y_train)} rows, hold-out {len(y_test)}, "
          f"load+scale {prepare * 1000:.1f} ms")
    print(f"{'family':<22}{'fit (median of %d)' % args.runs:>22}{'hold-out score':>26}")
    for name, r in results.items():
        score = "" if r["score"] is None else f"{r['score_name']} {r['score']:.6g}"
        print(f"{name:<22}{r['seconds'] * 1000:>19.1f} ms{score:>26}")
    print(f"peak RSS {peak_mib:.1f} MiB")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"tool": "python", "matrix": args.matrix, "results": results,
                       "peak_rss_mib": peak_mib}, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
