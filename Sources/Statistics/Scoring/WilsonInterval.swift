/// The Wilson score interval for a proportion: unlike the normal approximation it stays inside
/// [0, 1] and behaves at 0 or all successes, which is why the live scorecard uses it for hit rates.
public struct WilsonInterval: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    /// successes / trials.
    public var proportion: Double

    /// The interval at confidence given by the two-sided normal quantile `z` (default 95 %);
    /// nil when there are no trials or the counts are impossible.
    public init?(successes: Int, trials: Int, z: Double = NormalDistribution.z975) {
        guard trials > 0, successes >= 0, successes <= trials else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        proportion = p
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}
