/// The binary part of a `sentinel.model.v2` tree artifact: each tree's node arrays, in
/// ensemble order, as `UInt32 n`, then `Int32 feature[n], left[n], right[n]`, then
/// `Float64 threshold[n], value[n], cover[n], gain[n]`, all little-endian.
///
/// Reading validates each tree before it exists (every internal node splits on a known
/// feature, its two children come after it, and no node has two parents), so a corrupt
/// artifact fails at load instead of looping or crashing at prediction.
enum TreeNodeArrays {
    /// Bytes one node takes (three Int32, four Float64).
    static let bytesPerNode = 3 * 4 + 4 * 8

    static func byteCount(_ trees: [RegressionTree]) -> Int {
        trees.reduce(0) { $0 + 4 + $1.nodeCount * bytesPerNode }
    }

    static func write(_ trees: [RegressionTree], to w: inout ArtifactByteWriter) {
        for t in trees {
            w.append(UInt32(t.nodeCount))
            w.append(t.feature); w.append(t.left); w.append(t.right)
            w.append(t.threshold); w.append(t.value); w.append(t.cover); w.append(t.gain)
        }
    }

    static func read(count: Int, featureCount: Int,
                     from r: inout ArtifactByteReader) throws(LearningError) -> [RegressionTree] {
        // A tree takes at least one node; bounding the count by the bytes left keeps a corrupt
        // count from reserving memory the input cannot fill.
        guard count >= 0, count <= r.remaining / (4 + bytesPerNode) else {
            throw r.malformed("tree count \(count) does not fit in the \(r.remaining) bytes left")
        }
        guard featureCount >= 0 else { throw r.malformed("feature count \(featureCount) < 0") }
        var trees = [RegressionTree]()
        trees.reserveCapacity(count)
        for index in 0..<count {
            let n = Int(try r.uint32("tree \(index) node count"))
            guard n >= 1 else { throw r.malformed("tree \(index) has no nodes") }
            var t = RegressionTree()
            t.feature = try r.int32s(n, "tree \(index) features")
            t.left = try r.int32s(n, "tree \(index) left children")
            t.right = try r.int32s(n, "tree \(index) right children")
            t.threshold = try r.doubles(n, "tree \(index) thresholds")
            t.value = try r.doubles(n, "tree \(index) values")
            t.cover = try r.doubles(n, "tree \(index) covers")
            t.gain = try r.doubles(n, "tree \(index) gains")
            if let problem = t.structuralProblem(featureCount: featureCount) {
                throw r.malformed("tree \(index): \(problem)")
            }
            trees.append(t)
        }
        return trees
    }
}
