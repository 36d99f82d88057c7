/// A validated training matrix with its histogram binning and bin codes, shared by every
/// tree of an ensemble (and, when the caller passes one binning, by every ensemble).
struct TreeTrainingSet: Sendable {
    let binning: HistogramBinning
    let binned: BinnedMatrix
    let targets: [Double]
    /// `x` column-major, aligned with `binned.codes`.
    let raw: [Double]
    /// Each feature's rows in bin-code order, shared by every tree grown on this set.
    let presorted: PresortedColumns

    var rows: Int { binned.rows }
    var features: Int { binned.columns }

    /// `binning` is reused when it has the bins this fit asks for (`maxBins` placed by
    /// `placement`); otherwise the fit builds its own, so a binning shared across families
    /// never coarsens one of them.
    init(x: Matrix, y: [Double], binning: HistogramBinning?, maxBins: Int,
         placement: HistogramBinning.Placement = .midpoints) throws(LearningError) {
        guard x.rows > 0, x.columns > 0 else { throw .emptyTrainingSet }
        guard y.count == x.rows else { throw .shapeMismatch("\(x.rows) rows but \(y.count) targets") }
        if let bad = y.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteInput("target at row \(bad)") }
        let b: HistogramBinning
        if let binning, binning.matches(maxBins: maxBins, placement: placement, features: x.columns) {
            b = binning
        } else {
            b = try HistogramBinning(x: x, maxBins: maxBins, placement: placement)
        }
        self.binning = b
        let binned = try b.binned(x)
        self.binned = binned
        presorted = PresortedColumns(binned: binned)
        targets = y
        var columns = [Double](repeating: 0, count: x.rows * x.columns)
        for r in 0..<x.rows {
            for f in 0..<x.columns { columns[f * x.rows + r] = x.values[r * x.columns + f] }
        }
        raw = columns
    }

    var grower: TreeGrower { TreeGrower(binning: binning, binned: binned, raw: raw, presorted: presorted) }

    var allRows: [Int32] { (0..<rows).map { Int32($0) } }

    var mean: Double { targets.reduce(0, +) / Double(rows) }
}

/// Checks shared by every tree family's hyper-parameters.
enum TreeHyperparameterCheck {
    static func require(_ ok: Bool, _ message: @autoclosure () -> String) throws(LearningError) {
        if !ok { throw .invalidHyperparameter(message()) }
    }
}

/// The explicit format version every tree model writes, checked on decode.
