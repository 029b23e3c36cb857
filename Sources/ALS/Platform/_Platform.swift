// The one file of the ALS target that imports the C library for system calls: every POSIX call
// the library makes (files, mappings, descriptors, errno, the mutex of `_Locked`, the core and
// page counts, the terminal check) and the few libc helpers next to them (`malloc`/`realloc`/
// `free`, `memmove`, `memchr`, `strtof`) go through `_Platform` below, and no other file of the
// target names them. Files that only need C math (`log`, `pow`, `log2`, …) import the C library
// with the `#if canImport(Glibc) … #elseif canImport(Darwin) … #endif` block and nothing else.
//
// A macOS port replaces this one file: the same declarations over Darwin's equivalents (the
// same calls almost everywhere; `MAP_FAILED`, `stat` and `mode_t` differ in detail). The other
// platform-bound code is OpenBLAS and CHOLMOD, behind `Interop/` (`BLAS.swift`,
// `BLAS+Serving.swift`, `SuiteSparse.swift`), where Accelerate would take OpenBLAS's place.
import Glibc

/// The C library's system calls as the ALS target uses them, one-to-one: each wrapper makes
/// exactly the call it names, with the same flags as before, and returns its result untouched.
/// A call that fails leaves `errno` as the C library set it, so the caller reads `errno` (or
/// `_errnoText()`) right after the call, as with the bare call; none of the wrappers retries on
/// `EINTR` (the loops that do stay with their callers: `_writeFully`, `_InputFile.read`,
/// `_AtomicFile.write(_:at:)`).
///
/// - Precondition (every function taking a descriptor): `fd` is a descriptor the caller opened
///   and has not closed.
internal enum _Platform {
    // MARK: - errno

    /// The calling thread's `errno`: meaningful only right after a call that failed.
    @inline(__always) static var errno: Int32 { Glibc.errno }

    /// True when the call that just failed was interrupted by a signal (`errno == EINTR`) and
    /// may be made again.
    @inline(__always) static var interrupted: Bool { Glibc.errno == EINTR }

    /// The C library's text for the error number `code` (`strerror`).
    static func errorText(_ code: Int32) -> String { String(cString: Glibc.strerror(code)) }

    // MARK: - Files

    /// What `stat`/`fstat` tells the library about a file: its type and its size in bytes.
    struct FileStatus {
        enum Kind { case regular, fifo, directory, characterDevice, blockDevice, socket, other }
        let kind: Kind
        let size: Int

        init(_ info: stat) {
            switch info.st_mode & S_IFMT {
            case S_IFREG: kind = .regular
            case S_IFIFO: kind = .fifo
            case S_IFDIR: kind = .directory
            case S_IFCHR: kind = .characterDevice
            case S_IFBLK: kind = .blockDevice
            case S_IFSOCK: kind = .socket
            default: kind = .other
            }
            size = Int(info.st_size)
        }
    }

    /// `stat(path)`, following symbolic links; nil (and `errno` set) when it fails.
    static func status(ofPath path: String) -> FileStatus? {
        var info = stat()
        // Unqualified: `Glibc.stat` names the structure, not the function.
        guard stat(path, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// `fstat(fd)`; nil (and `errno` set) when it fails.
    static func status(ofDescriptor fd: Int32) -> FileStatus? {
        var info = stat()
        guard Glibc.fstat(fd, &info) == 0 else { return nil }
        return FileStatus(info)
    }

    /// True when the calling process may write into `path` (`access(path, W_OK)`); false with
    /// `errno` set otherwise.
    static func isWritable(_ path: String) -> Bool { Glibc.access(path, W_OK) == 0 }

    /// `open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)`: a descriptor, or -1 with `errno` set.
    /// Non-blocking so that opening a FIFO does not wait for a writer; see `setBlocking(_:)`.
    static func openReadOnlyNonBlocking(_ path: String) -> Int32 {
        Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    }

    /// `open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)`: a new file that did
    /// not exist before, or -1 with `errno` set (`EEXIST` when the name is taken).
    /// - Precondition: `permissions` is a mode such as `0o644`.
    static func createExclusively(_ path: String, permissions: Int) -> Int32 {
        Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(permissions))
    }

    /// `open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)`, for `fsync` of a directory: a
    /// descriptor, or -1 with `errno` set.
    static func openDirectory(_ path: String) -> Int32 {
        Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// Clears `O_NONBLOCK` on `fd` (`fcntl` `F_GETFL`, then `F_SETFL`). False, with `errno` of
    /// the call that failed, when either fails.
    static func setBlocking(_ fd: Int32) -> Bool {
        let flags = Glibc.fcntl(fd, F_GETFL)
        return flags >= 0 && Glibc.fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0
    }

    /// `close(fd)`: 0, or -1 with `errno` set.
    @discardableResult
    static func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }

    /// `dup(fd)`: a new descriptor for the same open file, or -1 with `errno` set.
    static func duplicate(_ fd: Int32) -> Int32 { Glibc.dup(fd) }

    /// `fsync(fd)`: 0 once the file's data and metadata are on disk, or -1 with `errno` set.
    @discardableResult
    static func sync(_ fd: Int32) -> Int32 { Glibc.fsync(fd) }

    /// `rename(from, to)`, atomic within one file system: 0, or -1 with `errno` set.
    static func rename(_ from: String, to: String) -> Int32 { Glibc.rename(from, to) }

    /// `unlink(path)`: 0, or -1 with `errno` set.
    @discardableResult
    static func unlink(_ path: String) -> Int32 { Glibc.unlink(path) }

    /// The calling process's id (`getpid`).
    static var processID: Int32 { Glibc.getpid() }

    /// True when `fd` is a terminal (`isatty(fd) == 1`).
    static func isTerminal(_ fd: Int32) -> Bool { Glibc.isatty(fd) == 1 }

    // MARK: - Reading and writing

    /// One `write(fd, bytes, count)`: the bytes written (possibly fewer than `count`), or -1 with
    /// `errno` set.
    /// - Precondition: `bytes` holds `count` readable bytes (or `count` is 0).
    @inline(__always)
    static func write(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        Glibc.write(fd, bytes, count)
    }

    /// One `pread(fd, buffer, count, offset)`: the bytes read (0 at the end of the file, possibly
    /// fewer than `count`), or -1 with `errno` set. The file position is not used or moved.
    /// - Precondition: `buffer` has room for `count` bytes; `offset` ≥ 0.
    @inline(__always)
    static func pread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, at offset: Int) -> Int {
        Glibc.pread(fd, buffer, count, off_t(offset))
    }

    /// One `pwrite(fd, bytes, count, offset)`: the bytes written (possibly fewer than `count`),
    /// or -1 with `errno` set. The file position is not used or moved.
    /// - Precondition: `bytes` holds `count` readable bytes; `offset` ≥ 0.
    @inline(__always)
    static func pwrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, at offset: Int) -> Int {
        Glibc.pwrite(fd, bytes, count, off_t(offset))
    }

    // MARK: - Memory mappings

    /// The size of a memory page in bytes (`sysconf(_SC_PAGESIZE)`).
    static var pageSize: Int { Int(Glibc.sysconf(Int32(_SC_PAGESIZE))) }

    /// Maps the first `length` bytes of `fd` read-only (`mmap(PROT_READ, MAP_PRIVATE)`); nil,
    /// with `errno` set, when it cannot be mapped. The mapping outlives `fd`.
    /// - Precondition: `length` > 0.
    static func mapReadOnly(_ fd: Int32, length: Int) -> UnsafeRawPointer? {
        guard let p = Glibc.mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else { return nil }
        return UnsafeRawPointer(p)
    }

    /// Removes a mapping made by `mapReadOnly(_:length:)` (`munmap`).
    /// - Precondition: `base` and `length` are those of one mapping, not used afterwards.
    static func unmap(_ base: UnsafeRawPointer, length: Int) {
        _ = Glibc.munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// Drops the pages of `start ..< start + length` from the resident set
    /// (`madvise(MADV_DONTNEED)`); a later read faults them in again from the file. 0, or -1
    /// with `errno` set.
    /// - Precondition: the range lies in a read-only file mapping and starts on a page boundary.
    @discardableResult
    static func discardPages(_ start: UnsafeRawPointer, length: Int) -> Int32 {
        Glibc.madvise(UnsafeMutableRawPointer(mutating: start), length, Int32(MADV_DONTNEED))
    }

    // MARK: - Processors

    /// The number of online processors (`sysconf(_SC_NPROCESSORS_ONLN)`; -1 when unknown).
    static var onlineProcessors: Int { Int(Glibc.sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    // MARK: - Mutexes

    /// A pthread mutex in memory of its own (a pthread mutex must not move once initialised).
    typealias Mutex = UnsafeMutablePointer<pthread_mutex_t>

    /// A new, unlocked mutex with the default attributes; `destroyMutex(_:)` frees it.
    static func makeMutex() -> Mutex {
        let mutex = Mutex.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        return mutex
    }

    /// Destroys and frees a mutex made by `makeMutex()`.
    /// - Precondition: no thread holds or waits for it, and nothing uses it afterwards.
    static func destroyMutex(_ mutex: Mutex) {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Locks `mutex`, waiting while another thread holds it.
    /// - Precondition: the calling thread does not hold it (the mutex is not recursive).
    @inline(__always) static func lock(_ mutex: Mutex) { pthread_mutex_lock(mutex) }

    /// Unlocks `mutex`.
    /// - Precondition: the calling thread holds it.
    @inline(__always) static func unlock(_ mutex: Mutex) { pthread_mutex_unlock(mutex) }

    // MARK: - C heap and bytes

    /// `malloc(byteCount)`: uninitialised memory for `free(_:)`, or nil when out of memory.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer? { Glibc.malloc(byteCount) }

    /// `realloc(p, byteCount)`: the block grown or shrunk (moved when needed, contents kept up to
    /// the smaller size), or nil when out of memory, in which case `p` is still valid.
    /// - Precondition: `p` is nil or came from `allocate`/`reallocate` and was not freed.
    static func reallocate(_ p: UnsafeMutableRawPointer?, byteCount: Int) -> UnsafeMutableRawPointer? {
        Glibc.realloc(p, byteCount)
    }

    /// `free(p)`; nil is allowed.
    /// - Precondition: `p` is nil or came from `allocate`/`reallocate` and was not freed.
    static func free(_ p: UnsafeMutableRawPointer?) { Glibc.free(p) }

    /// `memmove(destination, source, byteCount)`: the regions may overlap.
    /// - Precondition: both regions hold `byteCount` bytes.
    @inline(__always)
    static func moveMemory(to destination: UnsafeMutableRawPointer, from source: UnsafeRawPointer, byteCount: Int) {
        _ = Glibc.memmove(destination, source, byteCount)
    }

    /// The first `byte` in `start ..< start + count` (`memchr`), or nil.
    /// - Precondition: `count` ≥ 0 bytes are readable from `start`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in start: UnsafePointer<UInt8>, count: Int) -> UnsafePointer<UInt8>? {
        guard let p = Glibc.memchr(start, Int32(byte), count) else { return nil }
        return UnsafePointer(p.assumingMemoryBound(to: UInt8.self))
    }

    /// `strtof(text, &stop)`: the correctly rounded `Float` of the longest number at the start of
    /// `text` (after any leading whitespace), with `stop` set to the first byte not used.
    /// - Precondition: `text` is NUL-terminated.
    static func parseFloat(_ text: UnsafePointer<CChar>, stop: inout UnsafeMutablePointer<CChar>?) -> Float {
        Glibc.strtof(text, &stop)
    }
}
