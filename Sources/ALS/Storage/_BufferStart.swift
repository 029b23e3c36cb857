// The start address of a buffer, also when it is empty. An empty buffer's `baseAddress` may be
// nil, and `baseAddress!` then traps: an empty model, matrix or row is input a user can give.
// `_start` is the base address, or for an empty buffer a non-null, aligned address that nothing
// reads or writes (there is nothing there to read), which is what BLAS, LAPACK and the kernels
// are given with a count of zero. `UnsafePointer(bitPattern:)` is nil only for 0, so the
// unwrap below cannot fail.

extension UnsafeBufferPointer {
    @_spi(Engine) @inline(__always) public var _start: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeMutableBufferPointer {
    @_spi(Engine) @inline(__always) public var _start: UnsafeMutablePointer<Element> {
        baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeRawBufferPointer {
    @_spi(Engine) @inline(__always) public var _start: UnsafeRawPointer {
        baseAddress ?? UnsafeRawPointer(bitPattern: MemoryLayout<UInt64>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeMutableRawBufferPointer {
    @_spi(Engine) @inline(__always) public var _start: UnsafeMutableRawPointer {
        baseAddress ?? UnsafeMutableRawPointer(bitPattern: MemoryLayout<UInt64>.alignment).unsafelyUnwrapped
    }
}
