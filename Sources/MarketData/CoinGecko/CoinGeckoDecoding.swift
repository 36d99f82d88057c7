import Domain

/// Turns CoinGecko bodies into Domain values, refusing anything off-contract with
/// `.malformedResponse` (never a trap, never a silently wrong number).
enum CoinGeckoDecoding {
    static func json(_ body: [UInt8]) throws(MarketSourceError) -> JSONValue {
        do { return try JSONParser.parse(body) } catch { throw .malformedResponse("invalid JSON: \(error)") }
    }

    /// One asset's quote from a `/simple/price` answer with every `include_*` flag set.
    /// An id missing from the object is CoinGecko's way of saying "unknown coin".
    static func quote(_ json: JSONValue, asset: AssetID, currency: String, fallbackTime: Timestamp) throws(MarketSourceError) -> PriceQuote {
        guard case .object = json else { throw .malformedResponse("simple/price: expected an object") }
        guard let entry = json[asset.rawValue] else { throw .unknownAsset(asset) }
        guard case .object = entry else { throw .malformedResponse("simple/price: '\(asset)' is not an object") }
        guard let price = entry[currency]?.doubleValue, price > 0 else {
            throw .malformedResponse("simple/price: '\(asset)' has no positive '\(currency)' price")
        }
        // CoinGecko reports null for fields it cannot compute; those become nil, not zero.
        func optional(_ key: String) throws(MarketSourceError) -> Double? {
            switch entry[key] {
            case nil, .null?: return nil
            case .number(let v)?: return v
            default: throw .malformedResponse("simple/price: '\(key)' is not a number")
            }
        }
        let updated = try optional("last_updated_at")
        let time = updated.flatMap { $0 > 0 && $0 < 1e12 ? Timestamp(seconds: Int64($0)) : nil } ?? fallbackTime
        return PriceQuote(asset: asset, price: price,
                          change24h: try optional("\(currency)_24h_change").map { $0 / 100 },
                          volume24h: try optional("\(currency)_24h_vol"),
                          marketCap: try optional("\(currency)_market_cap"), time: time)
    }

    /// Closed 5-minute bars from a `/coins/{id}/market_chart?days=1` answer.
    ///
    /// Points are bucketed by `floor(ms / 300000)`; a bar's open, high, low and close are the
    /// first, highest, lowest and last price in its bucket. A bucket is kept only once it
    /// has closed both by our clock and by the data (the last point is CoinGecko's "now",
    /// so its bucket is still open). Empty buckets stay gaps; nothing is interpolated.
    ///
    /// Volume is 0: CoinGecko gives only a rolling 24 h volume, and its difference between
    /// two points is the new volume minus the volume leaving the window 24 h earlier, which
    /// cannot be separated (and is often negative). The quote carries the 24 h volume.
    static func bars(_ json: JSONValue, now: Timestamp) throws(MarketSourceError) -> [Bar] {
        guard case .object = json, case .array(let points)? = json["prices"] else {
            throw .malformedResponse("market_chart: no 'prices' array")
        }
        var samples: [(ms: Int64, price: Double)] = []
        samples.reserveCapacity(points.count)
        for (i, point) in points.enumerated() {
            guard case .array(let pair) = point, pair.count == 2,
                  let ms = pair[0].doubleValue, let price = pair[1].doubleValue,
                  ms >= 0, ms < 1e14, ms == ms.rounded(), price > 0
            else { throw .malformedResponse("market_chart: point \(i) is not [ms, positive price]") }
            samples.append((Int64(ms), price))
        }
        guard let lastPoint = samples.map(\.ms).max() else { return [] }
        samples.sort { $0.ms < $1.ms }
        let closedBy = min(now.milliseconds, lastPoint)
        let step = BarGrid.step.value

        var bars: [Bar] = []
        bars.reserveCapacity(samples.count)
        var current: Bar?
        for sample in samples {
            let start = Timestamp(milliseconds: sample.ms).floored(to: BarGrid.step)
            if var bar = current, bar.time == start {
                bar.high = max(bar.high, sample.price)
                bar.low = min(bar.low, sample.price)
                bar.close = sample.price
                current = bar
            } else {
                if let bar = current, bar.time.milliseconds + step <= closedBy { bars.append(bar) }
                current = Bar(time: start, open: sample.price, high: sample.price, low: sample.price,
                              close: sample.price, volume: 0)
            }
        }
        if let bar = current, bar.time.milliseconds + step <= closedBy { bars.append(bar) }
        return bars
    }
}
