/// One tree's rows in bin-code order for every feature: the shared `PresortedColumns` filtered
/// to the tree's rows, then kept split node by node, so a small node scans a feature in code
/// order with no sort.
///
/// Invariants: the tree's rows occupy positions `0..<count` of every feature's segment. While
/// a node over positions `lo..<hi` is being grown, every feature's `lo..<hi` holds exactly that
/// node's rows, ordered by `(code, row)`; `partition` keeps this true for both children (it is
/// stable, and the children take `lo..<mid` and `mid..<hi` as the row list does).
final class FeatureSegments {
    let features: Int
    let count: Int
    /// Two copies, used by depth parity: a node at depth `d` reads copy `d % 2`, and splitting
    /// it writes both children into the other copy (one store per row, no copying back). Its
    /// range in its own copy is dead once it is split, and no other live node's range overlaps it.
    private let copies: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>)
    /// Per matrix row: 1 when it goes to the left child of the node being split.
    private let goesLeft: UnsafeMutableBufferPointer<UInt8>

    /// `rows`: the tree's rows (no repeats), indices into the matrix `presorted` was built on.
    init(presorted: PresortedColumns, rows: UnsafeBufferPointer<Int32>) {
        features = presorted.features
        count = rows.count
        // One spare slot: the branch-free filter below may store one row past a segment's end.
        copies = (.allocate(capacity: features * count + 1), .allocate(capacity: features * count + 1))
        goesLeft = .allocate(capacity: max(1, presorted.rows))
        goesLeft.initialize(repeating: 0)
        for r in rows { goesLeft[Int(r)] = 1 }
        let n = presorted.rows
        presorted.order.withUnsafeBufferPointer { order in
            // Every row (boosting): the orders themselves.
            if count == n {
                copies.0.initialize(from: order.baseAddress!, count: n * features)
                return
            }
            for f in 0..<features {
                let source = order.baseAddress! + f * n
                let out = copies.0 + f * count
                var k = 0
                for i in 0..<n {
                    let r = source[i]
                    out[k] = r
                    k &+= Int(goesLeft[Int(r)])
                }
            }
        }
    }

    deinit {
        copies.0.deallocate(); copies.1.deallocate(); goesLeft.deallocate()
    }

    @inline(__always)
    private func copy(_ depth: Int) -> UnsafeMutablePointer<Int32> { depth & 1 == 0 ? copies.0 : copies.1 }

    /// The rows of feature `f` in code order for a node at `depth` live at `segment(f, depth:)[lo..<hi]`.
    @inline(__always)
    func segment(_ f: Int, depth: Int) -> UnsafeMutablePointer<Int32> { copy(depth) + f * count }

    /// Splits every feature's `lo..<hi` of the node at `depth` into its children (at `depth + 1`):
    /// the rows of `left` to `lo..<lo + left.count`, the rest after, each side keeping its order.
    /// `left` and `right` are the children's row lists.
    func partition(lo: Int, hi: Int, depth: Int, left: UnsafeBufferPointer<Int32>, right: UnsafeBufferPointer<Int32>,
                   threads: Int) {
        for r in left { goesLeft[Int(r)] = 1 }
        for r in right { goesLeft[Int(r)] = 0 }
        let source = SharedPointer(base: copy(depth)), target = SharedPointer(base: copy(depth + 1))
        let marks = SharedPointer(base: goesLeft.baseAddress!)
        let count = self.count, mid = lo + left.count
        let split: @Sendable (Int) -> Void = { f in
            let from = source.base + f * count, to = target.base + f * count
            // Branch-free: which side a row takes is data-dependent and mispredicts ~half the time.
            var l = lo, r = mid
            for i in lo..<hi {
                let row = from[i]
                let isLeft = Int(marks.base[Int(row)])
                to[isLeft != 0 ? l : r] = row
                l &+= isLeft; r &+= 1 &- isLeft
            }
        }
        let parallel = threads > 1 && (hi - lo) * features >= TreeGrower.parallelWorkLimit
        ParallelWork.forEach(count: features, threads: parallel ? threads : 1, split)
    }
}
