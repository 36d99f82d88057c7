public import Domain

/// Turns validated predictions into ``ScoredPrediction``s, reading the move of each
/// prediction's own bar (close / previous bar's close − 1) from the price store in one range
/// read, for the "same direction as the last move" baseline.
public struct ScoredPredictionLoader: Sendable {
    let prices: any PriceStore

    public init(prices: any PriceStore) { self.prices = prices }

    public func scored(_ predictions: [Prediction]) throws -> [ScoredPrediction] {
        let validated = predictions.filter(\.validation.isValidated)
        guard let first = validated.map(\.barTime).min(), let last = validated.map(\.barTime).max(), let asset = validated.first?.asset else {
            return []
        }
        var close: [Int64: Double] = [:]
        for b in try prices.bars(asset: asset, from: first - BarGrid.step, to: last) { close[b.time.milliseconds] = b.close }
        return validated.compactMap { p in
            var lastMove: Double?
            if let now = close[p.barTime.milliseconds], let before = close[(p.barTime - BarGrid.step).milliseconds], before > 0 {
                lastMove = now / before - 1
            }
            return ScoredPrediction(p, lastMove: lastMove)
        }
    }
}
