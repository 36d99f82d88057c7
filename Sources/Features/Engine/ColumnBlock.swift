/// Column-major output for a run of consecutive rows: column `c` of the block's row `k` is at
/// `base[c * stride + k]`.
///
/// A whole matrix is one block (stride = its row count) and a chunk of it is the same block moved
/// down by the chunk's first row, so kernels write straight into the final storage. Columns
/// 0..<32 are the features in ``FeatureColumn`` order, 32..<36 the targets in ``TargetColumn`` order.
struct ColumnBlock {
    let base: UnsafeMutablePointer<Double>
    let stride: Int

    /// Feature columns, then target columns.
    static let width = FeatureColumn.count + TargetColumn.count

    @inline(__always) func column(_ c: FeatureColumn) -> UnsafeMutablePointer<Double> { base + c.rawValue * stride }
    @inline(__always) func column(_ t: TargetColumn) -> UnsafeMutablePointer<Double> {
        base + (FeatureColumn.count + t.rawValue) * stride
    }

    /// The stride of a scratch block for `rows` rows: a little more than `rows`, so that the columns
    /// of one row do not all fall in the same L1 cache set (with a power-of-two stride they do, and
    /// gathering a row evicts itself 32 times).
    static func paddedStride(rows: Int) -> Int { rows + 8 }

    /// The same columns starting `rows` rows further down.
    @inline(__always) func advanced(by rows: Int) -> ColumnBlock { ColumnBlock(base: base + rows, stride: stride) }
}

/// Four consecutive doubles as SIMD lanes, and back; `lanes` < 4 only on a run's last rows.
enum Quad {
    @inline(__always)
    static func load(_ p: UnsafePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>, _ lanes: Int) {
        if lanes == 4 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
        } else {
            for j in 0..<lanes { p[j] = v[j] }
        }
    }

    /// Copies `count` doubles four at a time. For the kernel's column copies (a few thousand
    /// doubles into memory not in cache) plain vector stores measured twice as fast as `memmove`,
    /// whose string-instruction path is slow for this pattern on the machines we run on.
    @inline(__always)
    static func copy(from source: UnsafePointer<Double>, to target: UnsafeMutablePointer<Double>, count: Int) {
        var k = 0
        while k + 4 <= count {
            UnsafeMutableRawPointer(target + k).storeBytes(of: load(source + k), as: SIMD4<Double>.self)
            k += 4
        }
        while k < count { target[k] = source[k]; k += 1 }
    }

    /// Calls `body(k, lanes)` for k = 0, 4, 8, … with `lanes` = 4 except possibly at the end.
    @inline(__always)
    static func forEach(_ count: Int, _ body: (Int, Int) -> Void) {
        var k = 0
        while k < count {
            let lanes = min(4, count - k)
            body(k, lanes)
            k += lanes
        }
    }
}
