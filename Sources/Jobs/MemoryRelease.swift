/// Hands freed heap pages back to the operating system after a memory-heavy run.
///
/// glibc keeps freed memory in its arenas; `malloc_trim` (declared in <malloc.h>, which the
/// Glibc module does not import) releases it, so an idle server's resident size drops back
/// after a training run.
enum MemoryRelease {
    static func returnFreePagesToSystem() {
        #if os(Linux)
        _ = sentinel_malloc_trim(0)
        #endif
    }
}

#if os(Linux)
@_silgen_name("malloc_trim")
private func sentinel_malloc_trim(_ pad: Int) -> Int32
#endif
