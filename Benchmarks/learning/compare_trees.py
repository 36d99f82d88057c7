"""Look inside the reference tree ensembles on a fixture matrix, to compare with Sentinel's.

Usage: compare_trees.py MATRIX.csv [--seeds 10] [--dump-cuts OUT.json] [--skip-forest]
       [--skip-xgboost] [--skip-quantised]

Same split and scaling as the ML reference fixtures (see sklearn_bench.py). Prints:
- RandomForestRegressor hold-out RMSE for random_state 0..seeds-1 and 42 (the spread tells
  whether a gap to the reference seed is noise), with depth and leaf sizes actually reached;
- the same forest fitted on 256-bin / 1024-bin quantised features (does binning cost accuracy?);
- XGBRegressor (hist) RMSE for several max_bin values, its cut values per feature (XGBoost's
  quantile sketch) and how a value equal to a cut is routed.
"""
import argparse
import json
import math

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.preprocessing import StandardScaler
from xgboost import DMatrix, XGBRegressor

HORIZON = 6


def load(path):
    frame = pd.read_csv(path)
    features = [c for c in frame.columns
                if c not in ("timestamp_ms", "split", "target_log_return", "target_direction")]
    n = len(frame)
    n_train_raw = int(math.floor(0.8 * n))
    x = frame[features].to_numpy(dtype=np.float64)
    y = frame["target_log_return"].to_numpy(dtype=np.float64)
    return x[: n_train_raw - HORIZON], x[n_train_raw:], y[: n_train_raw - HORIZON], y[n_train_raw:]


def rmse(pred, actual):
    return float(np.sqrt(np.mean((np.asarray(pred) - actual) ** 2)))


def quantise(train, test, bins):
    """Replace each value by the midpoint-threshold bin index of equal-count cuts on train."""
    out_train, out_test = np.empty_like(train), np.empty_like(test)
    for f in range(train.shape[1]):
        qs = np.unique(np.quantile(train[:, f], np.linspace(0, 1, bins + 1)[1:-1]))
        out_train[:, f] = np.searchsorted(qs, train[:, f], side="left")
        out_test[:, f] = np.searchsorted(qs, test[:, f], side="left")
    return out_train, out_test


def forest_report(xtr, xte, ytr, yte, seeds, quantised):
    print("== RandomForestRegressor(n_estimators=100, max_depth=10)")
    scores = {}
    for seed in list(range(seeds)) + [42]:
        m = RandomForestRegressor(n_estimators=100, max_depth=10, random_state=seed, n_jobs=2).fit(xtr, ytr)
        scores[seed] = rmse(m.predict(xte), yte)
        if seed == 42:
            depths = [e.get_depth() for e in m.estimators_]
            leaves = [e.get_n_leaves() for e in m.estimators_]
            leaf_rows = np.concatenate([e.tree_.n_node_samples[e.tree_.children_left == -1]
                                        for e in m.estimators_])
            print(f"  seed 42: depth mean {np.mean(depths):.2f} (min {min(depths)}), leaves/tree "
                  f"{np.mean(leaves):.1f}, distinct rows per leaf median {np.median(leaf_rows):.0f}")
    values = np.array([v for k, v in scores.items() if k != 42])
    print(f"  seed 42 rmse {scores[42]:.6e}")
    print(f"  seeds 0..{seeds - 1}: mean {values.mean():.6e} std {values.std(ddof=1):.3e} "
          f"min {values.min():.6e} max {values.max():.6e}")
    print("  per seed: " + ", ".join(f"{k}:{v:.4e}" for k, v in scores.items()))
    for bins in (256, 1024) if quantised else ():
        qtr, qte = quantise(xtr, xte, bins)
        vals = [rmse(RandomForestRegressor(n_estimators=100, max_depth=10, random_state=s, n_jobs=2)
                     .fit(qtr, ytr).predict(qte), yte) for s in range(min(seeds, 5))]
        print(f"  on {bins}-bin quantised features, seeds 0..{len(vals) - 1}: mean {np.mean(vals):.6e} "
              f"min {min(vals):.6e} max {max(vals):.6e}")


def xgb(max_bin=256, **extra):
    return XGBRegressor(n_estimators=100, max_depth=6, learning_rate=0.1, reg_lambda=1, tree_method="hist",
                        random_state=42, n_jobs=2, max_bin=max_bin, **extra)


def xgboost_report(xtr, xte, ytr, yte, dump):
    print("== XGBRegressor(hist)")
    for max_bin in (64, 128, 256, 512, 1024):
        print(f"  max_bin {max_bin}: rmse {rmse(xgb(max_bin).fit(xtr, ytr).predict(xte), yte):.6e}")
    exact = XGBRegressor(n_estimators=100, max_depth=6, learning_rate=0.1, reg_lambda=1, tree_method="exact",
                         random_state=42, n_jobs=2).fit(xtr, ytr)
    print(f"  tree_method exact: rmse {rmse(exact.predict(xte), yte):.6e}")
    m = xgb().fit(xtr, ytr)
    booster = m.get_booster()
    config = json.loads(booster.save_config())
    print("  base_score", config["learner"]["learner_model_param"]["base_score"],
          "train mean", float(np.mean(ytr)), "float32 mean", float(np.mean(ytr.astype(np.float32))))
    dm = DMatrix(xtr, label=ytr)
    booster.predict(dm)  # builds nothing; cuts come from a training pass below
    dm_cut = DMatrix(xtr, label=ytr)
    from xgboost import train
    train({"tree_method": "hist", "max_bin": 256, "max_depth": 6, "eta": 0.1}, dm_cut, num_boost_round=1)
    indptr, values = dm_cut.get_quantile_cut()
    counts = np.diff(indptr)
    distinct = [len(np.unique(xtr[:, f].astype(np.float32))) for f in range(xtr.shape[1])]
    print("  cuts per feature:", list(counts))
    print("  distinct float32 values per feature:", distinct)
    f = int(np.argmax(distinct))
    cuts = values[indptr[f]:indptr[f + 1]]
    col = np.sort(np.unique(xtr[:, f].astype(np.float32)))
    on_value = np.isin(cuts[:-1], col).mean()
    print(f"  feature {f}: share of cuts that are training values {on_value:.3f}; first cuts {cuts[:4]}, "
          f"smallest values {col[:4]}")
    trees = booster.trees_to_dataframe()
    splits = trees[trees.Feature != "Leaf"]
    leaves = trees[trees.Feature == "Leaf"]
    print(f"  splits {len(splits)}, leaves {len(leaves)}, leaves/tree {len(leaves) / 100:.1f}, "
          f"min cover {leaves.Cover.min():.0f}, median leaf cover {leaves.Cover.median():.0f}")
    if dump:
        with open(dump, "w") as out:
            json.dump({"indptr": [int(i) for i in indptr], "values": [float(v) for v in values]}, out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("matrix")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--dump-cuts")
    parser.add_argument("--skip-forest", action="store_true")
    parser.add_argument("--skip-xgboost", action="store_true")
    parser.add_argument("--skip-quantised", action="store_true", help="no forests on quantised features")
    args = parser.parse_args()
    xtr_raw, xte_raw, ytr, yte = load(args.matrix)
    scaler = StandardScaler().fit(xtr_raw)
    xtr, xte = scaler.transform(xtr_raw), scaler.transform(xte_raw)
    print(f"{args.matrix}: train {len(ytr)}, hold-out {len(yte)}")
    if not args.skip_forest:
        forest_report(xtr, xte, ytr, yte, args.seeds, not args.skip_quantised)
    if not args.skip_xgboost:
        xgboost_report(xtr, xte, ytr, yte, args.dump_cuts)


if __name__ == "__main__":
    main()
