/// Working memory for ``FeatureKernel/windowColumns(closes:count:rows:times:out:scratch:)``, sized
/// for runs of up to `capacity` rows: allocated once per worker and reused for every chunk, so the
/// kernel allocates nothing per chunk.
///
/// The owner calls ``deallocate()`` when done (it is used inside one call, never stored).
struct KernelScratch {
    let capacity: Int
    private let memory: UnsafeMutablePointer<Double>

    /// Number of per-slot arrays the kernel keeps.
    private static let arrayCount = 11

    /// Slots per array: the lead, the rows rounded up to four, and four spare for whole-quad reads.
    private static func span(rows: Int) -> Int { FeatureKernel.lead + ((rows + 3) & ~3) + 4 }

    init(capacity: Int) {
        self.capacity = capacity
        memory = .allocate(capacity: Self.arrayCount * Self.span(rows: capacity))
    }

    func deallocate() { memory.deallocate() }

    /// The kernel's arrays, `span` slots each.
    struct Arrays {
        let span: Int
        let xs, ratio, rs, gains, losses, close5, ret5, gain7, loss7: UnsafeMutablePointer<Double>
        /// Σ (x − block mean)² over the 5 closes / 5 returns ending at each slot.
        let closeM2, retM2: UnsafeMutablePointer<Double>
    }

    /// The arrays laid out for a run of `rows` rows (at most `capacity`).
    func arrays(rows: Int) -> Arrays {
        let span = Self.span(rows: rows)
        let m = memory
        return Arrays(span: span, xs: m, ratio: m + span, rs: m + 2 * span, gains: m + 3 * span,
                      losses: m + 4 * span, close5: m + 5 * span, ret5: m + 6 * span, gain7: m + 7 * span,
                      loss7: m + 8 * span, closeM2: m + 9 * span, retM2: m + 10 * span)
    }
}
