#if canImport(Glibc)
import Glibc
#endif

/// Allocation of large, freshly written outputs (feature matrices of a million rows).
///
/// A fresh multi-megabyte array is touched once, page by page, and on Linux each 4 KiB page costs
/// a fault; for a 1M × 32 matrix that is ~65 000 faults, more than the arithmetic. Like numpy (which
/// does this for every array of 4 MiB or more), we ask the kernel for transparent huge pages on the
/// untouched region before writing it. It is only a hint: values and behaviour are unchanged, and
/// where the kernel declines or the platform has no such hint nothing happens.
enum LargeBuffer {
    /// Below this a hint saves too few faults to matter.
    static let hintThreshold = 4 << 20

    /// Hints the kernel to back the (untouched) region with huge pages when it is large enough.
    static func preferHugePages(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= hintThreshold else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: pointer) + bytes) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, Int32(MADV_HUGEPAGE))
        #endif
    }
}
