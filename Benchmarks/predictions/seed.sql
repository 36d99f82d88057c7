-- 1,000,000 predictions for bitcoin: 5 model versions (1 champion, 4 shadow) x 200,000
-- 5-minute bars ending at the newest bar, validated except the last 6 bars.
-- Ids are 26-character Crockford ULIDs made of digits (valid, time-ordered by bar).
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE bar(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM bar WHERE n < 199999),
     model(m) AS (SELECT 0 UNION ALL SELECT m + 1 FROM model WHERE m < 4)
INSERT INTO predictions (id, asset, model_id, model_family, shadow, feature_set, features_sha256, made_at, bar_time,
                         target_time, price, predicted_return, predicted_price, direction, confidence, regime, model_skill,
                         outcome, actual_price, actual_time, error, validated_at, note)
SELECT printf('01J%017d%06d', n, m), 'bitcoin', printf('01H0000000000000000000000%d', m),
       CASE m WHEN 0 THEN 'random_forest' WHEN 1 THEN 'ridge' WHEN 2 THEN 'xgboost' ELSE 'gradient_boosting' END,
       m > 0, 'v1', lower(hex(randomblob(32))),
       1744675200000 + n * 300000 + 300000, 1744675200000 + n * 300000, 1744675200000 + n * 300000 + 2100000,
       85000.0 + (n % 1000), 0.00042, (85000.0 + (n % 1000)) * exp(0.00042), 'up', 0.56, 'accumulation', -0.08,
       CASE WHEN n >= 199994 THEN NULL WHEN n % 3 = 0 THEN 'incorrect' WHEN n % 7 = 0 THEN 'flat' ELSE 'correct' END,
       CASE WHEN n >= 199994 THEN NULL ELSE 85100.0 + (n % 997) END,
       CASE WHEN n >= 199994 THEN NULL ELSE 1744675200000 + n * 300000 + 2100000 END,
       CASE WHEN n >= 199994 THEN NULL ELSE 86.28 END,
       CASE WHEN n >= 199994 THEN NULL ELSE 1744675200000 + n * 300000 + 2100000 END,
       CASE WHEN n >= 199994 THEN 'target time not reached' ELSE NULL END
FROM bar, model;
COMMIT;
