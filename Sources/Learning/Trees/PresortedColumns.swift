/// For every feature of a binned training matrix, its rows ordered by bin code (equal codes
/// by ascending row index), built once per training set by a counting sort and shared by
/// every tree grown on it.
///
/// Invariants: `order[f * rows ..< (f + 1) * rows]` is a permutation of `0..<rows`, and along
/// it `(codes[f * rows + r], r)` strictly increases. A tree filters these orders to its own
/// rows (`TreeGrowth`), so every node can scan a feature in code order without sorting.
struct PresortedColumns: Sendable {
    let rows: Int
    let features: Int
    let order: [Int32]

    init(binned: BinnedMatrix) {
        rows = binned.rows
        features = binned.columns
        let n = binned.rows
        var order = [Int32](repeating: 0, count: n * binned.columns)
        let largest = binned.binCounts.max() ?? 0
        var starts = [Int](repeating: 0, count: largest + 1)
        binned.codes.withUnsafeBufferPointer { codes in
            order.withUnsafeMutableBufferPointer { out in
                for f in 0..<binned.columns {
                    let column = codes.baseAddress! + f * n
                    let bins = binned.binCounts[f]
                    for b in 0...bins { starts[b] = 0 }
                    for r in 0..<n { starts[Int(column[r]) + 1] += 1 }
                    for b in 0..<bins { starts[b + 1] += starts[b] }
                    let base = out.baseAddress! + f * n
                    for r in 0..<n {
                        let b = Int(column[r])
                        base[starts[b]] = Int32(r)
                        starts[b] += 1
                    }
                }
            }
        }
        self.order = order
    }
}
