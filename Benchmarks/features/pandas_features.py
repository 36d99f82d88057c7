#!/usr/bin/env python3
"""Feature set v1 with pandas (the replaced system's definitions; see the fixtures' README), timed
the same way as the Swift benchmark: bars per second (wall and process CPU time), median of 5 runs,
compute only (no I/O).

Usage: pandas_features.py --real BARS.csv --synthetic SYNTHETIC.csv [--golden btc-features-v1.csv] [--runs 5]
Lines starting with RESULT are read by run.sh.
"""
import argparse
import statistics
import time

import numpy as np
import pandas as pd


def features(df: pd.DataFrame) -> pd.DataFrame:
    p = df["close"]
    out = pd.DataFrame(index=df.index)
    out["timestamp_ms"] = df["timestamp_ms"]
    out["close"] = p
    out["returns"] = p / p.shift(1) - 1
    out["log_returns"] = np.log(p / p.shift(1))
    delta = p.diff()
    gain = delta.where(delta > 0, 0)
    loss = -delta.where(delta < 0, 0)
    avg_gain = gain.rolling(14).mean()
    avg_loss = loss.rolling(14).mean()
    out["rsi"] = 100 - 100 / (1 + avg_gain / avg_loss)
    ema12 = p.ewm(span=12, adjust=False).mean()
    ema26 = p.ewm(span=26, adjust=False).mean()
    out["macd"] = ema12 - ema26
    out["macd_signal"] = out["macd"].ewm(span=9, adjust=False).mean()
    out["macd_histogram"] = out["macd"] - out["macd_signal"]
    mid = p.rolling(20).mean()
    sd = p.rolling(20).std()
    up, lo = mid + 2 * sd, mid - 2 * sd
    out["bb_width"] = (up - lo) / mid
    out["bb_position"] = (p - lo) / (up - lo)
    for w in (5, 10, 20):
        out[f"sma_{w}"] = p.rolling(w).mean()
    for s in (5, 10, 20):
        out[f"ema_{s}"] = p.ewm(span=s, adjust=False).mean()
    out["price_to_sma_20"] = p / out["sma_20"]
    out["sma_5_to_sma_20"] = out["sma_5"] / out["sma_20"]
    out["volatility"] = out["returns"].rolling(20).std() * np.sqrt(105120)
    out["momentum_10"] = p - p.shift(10)
    out["roc_10"] = (p - p.shift(10)) / p.shift(10) * 100
    t = pd.to_datetime(df["timestamp_ms"], unit="ms", utc=True)
    out["hour"] = t.dt.hour
    out["day_of_week"] = t.dt.day_of_week
    out["is_weekend"] = (out["day_of_week"] >= 5).astype(int)
    for k in (1, 2, 3, 5, 10):
        out[f"price_lag_{k}"] = p.shift(k)
    for k in (1, 2, 3, 5, 10):
        out[f"returns_lag_{k}"] = out["returns"].shift(k)
    future = p.shift(-6)
    out["future_price"] = future
    out["target_return"] = future / p - 1
    out["target_log_return"] = np.log(future / p)
    out["target_direction"] = np.where(future.isna(), np.nan, (future > p).astype(float))
    return out


def bench(label: str, df: pd.DataFrame, runs: int) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        features(df)
        walls.append(time.perf_counter() - wall0)
        cpus.append(time.process_time() - cpu0)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    n = len(df)
    print(f"{label:<10} pandas   {n:9d} bars  wall {wall * 1000:8.2f} ms  cpu {cpu * 1000:8.2f} ms  {n / cpu:12.0f} bars/s (cpu)")
    print(f"RESULT {label} pandas {n} {n / wall} {n / cpu}")


def check_against_golden(df: pd.DataFrame, golden_path: str) -> None:
    """Sanity check that this script computes what the golden file holds (worst relative error)."""
    golden = pd.read_csv(golden_path)
    mine = features(df)
    worst = 0.0
    for column in golden.columns:
        a, g = mine[column].to_numpy(dtype=float), golden[column].to_numpy(dtype=float)
        if not np.array_equal(np.isnan(a), np.isnan(g)):
            raise SystemExit(f"golden check: NaN pattern differs in {column}")
        ok = ~np.isnan(g)
        rel = np.abs(a[ok] - g[ok]) / np.maximum(np.abs(g[ok]), 1e-12)
        worst = max(worst, float(rel.max()) if rel.size else 0.0)
    print(f"golden check: every column matches, worst relative difference {worst:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real")
    parser.add_argument("--synthetic")
    parser.add_argument("--golden")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"pandas {pd.__version__}, numpy {np.__version__}")
    if args.real:
        real = pd.read_csv(args.real)
        if args.golden:
            check_against_golden(real, args.golden)
        bench("real", real, args.runs)
    if args.synthetic:
        bench("synthetic", pd.read_csv(args.synthetic), args.runs)


if __name__ == "__main__":
    main()
