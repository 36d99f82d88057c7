/// One fitted binary regression tree, stored as parallel node arrays (node 0 is the root).
///
/// Invariants: an internal node has `feature[i] >= 0`, children `left[i]`, `right[i]` with
/// larger indices, and sends `x` left when `x[feature] <= threshold` (thresholds are raw feature
/// values, so prediction needs no binning); a leaf has `feature[i] == -1` and outputs
/// `value[i]` (already multiplied by any learning rate). `cover[i]` is the training weight
/// (sum of split hessians) reaching node `i`, and an internal node's cover is exactly the sum of
/// its children's, which keeps TreeSHAP's expected value consistent. `gain[i]` is the split's
/// loss reduction (0 for leaves).
public struct RegressionTree: Sendable, Hashable, Codable {
    public internal(set) var feature: [Int32]
    public internal(set) var threshold: [Double]
    public internal(set) var left: [Int32]
    public internal(set) var right: [Int32]
    public internal(set) var value: [Double]
    public internal(set) var cover: [Double]
    public internal(set) var gain: [Double]

    init() {
        feature = []; threshold = []; left = []; right = []; value = []; cover = []; gain = []
    }

    public var nodeCount: Int { feature.count }

    /// The longest root-to-leaf path, in edges.
    public var depth: Int {
        var best = 0
        var stack: [(Int, Int)] = [(0, 0)]
        while let (node, d) = stack.popLast() {
            if feature[node] < 0 { best = max(best, d); continue }
            stack.append((Int(left[node]), d + 1)); stack.append((Int(right[node]), d + 1))
        }
        return best
    }

    /// The tree's output for a raw feature vector.
    @inlinable public func predict(_ x: ArraySlice<Double>) -> Double {
        value[leaf(for: x)]
    }

    @inlinable func leaf(for x: ArraySlice<Double>) -> Int {
        let start = x.startIndex
        var node = 0
        while true {
            let f = Int(feature[node])
            if f < 0 { return node }
            node = x[start + f] <= threshold[node] ? Int(left[node]) : Int(right[node])
        }
    }

    /// The mean output over the training cover: each child weighted by its share of its
    /// parent's cover, the same weights TreeSHAP uses.
    public var expectedValue: Double { expected(at: 0) }

    private func expected(at node: Int) -> Double {
        if feature[node] < 0 { return value[node] }
        let l = Int(left[node]), r = Int(right[node])
        return (cover[l] * expected(at: l) + cover[r] * expected(at: r)) / cover[node]
    }

    mutating func appendNode() -> Int {
        feature.append(-1); threshold.append(0); left.append(-1); right.append(-1)
        value.append(0); cover.append(0); gain.append(0)
        return feature.count - 1
    }
}

extension RegressionTree {
    /// Why this is not a well-formed tree over `featureCount` features, or nil when it is:
    /// every node array as long as `feature`, every internal node splitting on a known feature
    /// with two distinct children after it, and no node with two parents (a graph whose shared
    /// nodes would make every walk over it exponential). Decoders check it so a corrupt
    /// artifact fails at load instead of looping or crashing at prediction.
    func structuralProblem(featureCount: Int) -> String? {
        let n = nodeCount
        guard n > 0 else { return "no nodes" }
        let lengths = [threshold.count, left.count, right.count, value.count, cover.count, gain.count]
        guard lengths.allSatisfy({ $0 == n }) else { return "node arrays of lengths \([n] + lengths)" }
        var hasParent = [Bool](repeating: false, count: n)
        for i in 0..<n where feature[i] >= 0 {
            let f = Int(feature[i]), l = Int(left[i]), r = Int(right[i])
            if f >= featureCount { return "node \(i) splits on feature \(f) of \(featureCount)" }
            if l <= i || r <= i || l >= n || r >= n || l == r {
                return "node \(i) has children \(l), \(r) outside \(i + 1)..<\(n)"
            }
            if hasParent[l] || hasParent[r] { return "node \(i) shares a child with another node" }
            hasParent[l] = true
            hasParent[r] = true
        }
        return nil
    }
}
