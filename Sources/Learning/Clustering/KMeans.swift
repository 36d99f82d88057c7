import Domain

/// K-means clustering: greedy k-means++ seeding, Lloyd iterations, best of `initCount` starts.
///
/// Follows scikit-learn's `KMeans(algorithm="lloyd")`: 2 + ⌊ln k⌋ local trials per
/// k-means++ pick, convergence when labels stop changing or the squared centre shift falls
/// to `tolerance × mean column variance`, empty clusters re-seeded at the farthest point.
/// Deterministic for a given seed (SplitMix64); another RNG than NumPy's means another local
/// optimum, not another objective. The starts run in parallel (`threads`: 0 = all cores)
/// and the result is the same for any thread count. Invariant: every centroid has the fitted column count.
public struct KMeans: Sendable, Hashable, Codable {
    public static let formatVersion = 1
    public let formatVersion: Int
    /// `clusterCount` centres, each a point in the fitted space.
    public let centroids: [[Double]]
    /// Sum of squared distances of the training rows to their nearest centre.
    public let inertia: Double
    /// Lloyd iterations the winning start needed.
    public let iterations: Int

    public var clusterCount: Int { centroids.count }

    public init(fitting x: Matrix, clusterCount k: Int = 4, initCount: Int = 10,
                maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 42,
                threads: Int = 0) throws(LearningError) {
        guard x.rows > 0 else { throw .emptyTrainingSet }
        guard k >= 1, k <= x.rows else { throw .invalidHyperparameter("k must be in 1...\(x.rows), got \(k)") }
        guard initCount >= 1, maxIterations >= 1, tolerance >= 0 else {
            throw .invalidHyperparameter("initCount, maxIterations must be ≥ 1 and tolerance ≥ 0")
        }
        guard x.values.allSatisfy(\.isFinite) else { throw .nonFiniteInput("k-means training data") }
        let variance = Self.meanColumnVariance(x)
        // One seed per start, drawn up front, so the result does not depend on the thread count.
        var seeds = SplitMix64(seed: seed)
        let startSeeds = (0..<initCount).map { _ in seeds.next() }
        let tol = tolerance * variance
        let results = ParallelWork.map(count: initCount, threads: ParallelWork.threads(threads)) { i in
            var rng = SplitMix64(seed: startSeeds[i])
            let start = Lloyd.plusPlusCentres(x, k: k, rng: &rng)
            return Lloyd.run(x, centres: start, maxIterations: maxIterations, tolerance: tol)
        }
        var best: Lloyd.Result?
        for result in results where best.map({ result.inertia < $0.inertia }) ?? true { best = result }
        guard let best else { throw .emptyTrainingSet }
        formatVersion = Self.formatVersion
        let d = x.columns
        centroids = (0..<k).map { Array(best.centres[($0 * d)..<(($0 + 1) * d)]) }
        inertia = best.inertia
        iterations = best.iterations
    }

    /// Index of the nearest centroid (the lowest index on a tie).
    public func cluster(_ row: ArraySlice<Double>) -> Int {
        precondition(row.count == centroids.first?.count, "KMeans: row length differs from the fitted space")
        var bestIndex = 0, bestDistance = Double.infinity
        for (c, centre) in centroids.enumerated() {
            var s = 0.0
            var j = 0
            for v in row {
                let d = v - centre[j]
                s += d * d
                j += 1
            }
            if s < bestDistance { bestDistance = s; bestIndex = c }
        }
        return bestIndex
    }

    public func cluster(_ row: [Double]) -> Int { cluster(row[...]) }

    public func clusters(_ x: Matrix) -> [Int] { (0..<x.rows).map { cluster(x.row($0)) } }

    static func meanColumnVariance(_ x: Matrix) -> Double {
        let mean = RidgeRegression.columnMeans(x)
        var total = 0.0
        for r in 0..<x.rows {
            for j in 0..<x.columns {
                let d = x[r, j] - mean[j]
                total += d * d
            }
        }
        return total / Double(x.rows * x.columns)
    }
}

/// The inner loops of k-means on flat row-major buffers (no per-row allocation).
enum Lloyd {
    struct Result {
        var centres: [Double]
        var inertia: Double
        var iterations: Int
    }

    /// ⌊ln k⌋ without Foundation.
    static func naturalLogFloor(_ k: Int) -> Int {
        var exponent = 0, power = 2.718281828459045
        while power <= Double(k) { exponent += 1; power *= 2.718281828459045 }
        return exponent
    }

    static func uniform(_ rng: inout SplitMix64) -> Double { Double(rng.next() >> 11) * 0x1p-53 }

    static func squaredDistance(_ a: UnsafeBufferPointer<Double>, _ i: Int, _ b: UnsafeBufferPointer<Double>, _ j: Int, _ d: Int) -> Double {
        var s = 0.0
        for t in 0..<d {
            let diff = a[i * d + t] - b[j * d + t]
            s += diff * diff
        }
        return s
    }

    /// Greedy k-means++: each new centre is the best (lowest potential) of a few
    /// candidates drawn with probability proportional to the squared distance.
    static func plusPlusCentres(_ x: Matrix, k: Int, rng: inout SplitMix64) -> [Double] {
        let n = x.rows, d = x.columns
        let trials = 2 + naturalLogFloor(k)
        var centres = [Double](repeating: 0, count: k * d)
        var closest = [Double](repeating: 0, count: n)
        var candidate = [Double](repeating: 0, count: n)
        var bestCandidate = [Double](repeating: 0, count: n)
        x.values.withUnsafeBufferPointer { v in
            let first = Int(rng.next() % UInt64(n))
            for t in 0..<d { centres[t] = v[first * d + t] }
            var potential = 0.0
            for i in 0..<n {
                closest[i] = squaredDistance(v, i, v, first, d)
                potential += closest[i]
            }
            for c in 1..<max(k, 1) {
                var bestPotential = Double.infinity, bestIndex = 0
                for _ in 0..<trials {
                    let target = uniform(&rng) * potential
                    var cumulative = 0.0, pick = n - 1
                    for i in 0..<n {
                        cumulative += closest[i]
                        if cumulative > target { pick = i; break }
                    }
                    var candidatePotential = 0.0
                    for i in 0..<n {
                        candidate[i] = min(closest[i], squaredDistance(v, i, v, pick, d))
                        candidatePotential += candidate[i]
                    }
                    if candidatePotential < bestPotential {
                        bestPotential = candidatePotential; bestIndex = pick
                        swap(&candidate, &bestCandidate)
                    }
                }
                for t in 0..<d { centres[c * d + t] = v[bestIndex * d + t] }
                swap(&closest, &bestCandidate)
                potential = bestPotential
            }
        }
        return centres
    }

    static func run(_ x: Matrix, centres start: [Double], maxIterations: Int, tolerance: Double) -> Result {
        let n = x.rows, d = x.columns, k = start.count / d
        var centres = start
        var labels = [Int](repeating: -1, count: n)
        var distances = [Double](repeating: 0, count: n)
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        var iterations = 0
        x.values.withUnsafeBufferPointer { v in
            for iteration in 1...maxIterations {
                iterations = iteration
                let changed = assign(v, n: n, d: d, centres: centres, labels: &labels, distances: &distances)
                for i in sums.indices { sums[i] = 0 }
                for c in 0..<k { counts[c] = 0 }
                for i in 0..<n {
                    let c = labels[i]
                    counts[c] += 1
                    for t in 0..<d { sums[c * d + t] += v[i * d + t] }
                }
                var updated = centres
                for c in 0..<k {
                    if counts[c] == 0 {
                        // Re-seed an empty cluster at the row farthest from its centre.
                        var far = 0
                        for i in 1..<n where distances[i] > distances[far] { far = i }
                        for t in 0..<d { updated[c * d + t] = v[far * d + t] }
                        distances[far] = 0
                    } else {
                        for t in 0..<d { updated[c * d + t] = sums[c * d + t] / Double(counts[c]) }
                    }
                }
                var shift = 0.0
                for i in centres.indices {
                    let diff = updated[i] - centres[i]
                    shift += diff * diff
                }
                centres = updated
                if (!changed && iteration > 1) || shift <= tolerance { break }
            }
        }
        // Final assignment so labels and inertia agree with the returned centres.
        var inertia = 0.0
        x.values.withUnsafeBufferPointer { v in
            _ = assign(v, n: n, d: d, centres: centres, labels: &labels, distances: &distances)
        }
        for value in distances { inertia += value }
        return Result(centres: centres, inertia: inertia, iterations: iterations)
    }

    /// Nearest centre per row; returns whether any label changed.
    static func assign(_ v: UnsafeBufferPointer<Double>, n: Int, d: Int, centres: [Double],
                       labels: inout [Int], distances: inout [Double]) -> Bool {
        let k = centres.count / d
        var changed = false
        centres.withUnsafeBufferPointer { c in
            for i in 0..<n {
                var best = 0, bestDistance = Double.infinity
                for j in 0..<k {
                    let s = squaredDistance(v, i, c, j, d)
                    if s < bestDistance { bestDistance = s; best = j }
                }
                if labels[i] != best { changed = true; labels[i] = best }
                distances[i] = bestDistance
            }
        }
        return changed
    }
}
