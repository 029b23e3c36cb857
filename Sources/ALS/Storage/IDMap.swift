/// A two-way map between external ids (as written in the data file) and dense indices
/// `0 ..< count`. Integer ids are kept as integers, so a 20M-rating file with numeric ids never
/// allocates a `String` per id; any other id is kept as its text.
///
/// Invariant: `externalIDs` holds no duplicates, and `index(of: externalIDs[i]) == i`.
///
/// Integer ids that run `first, first + 1, …` (the identity maps of generated data and of
/// Matrix Market files without `%als-ids`) are looked up by subtraction: no hash table, so a
/// file announcing 40 million columns does not spend seconds hashing their ids (found by the
/// `mtx` fuzz harness).
public struct IDMap: Sendable, Equatable {
    /// The ids, in dense-index order.
    @_spi(Engine) public enum Storage: Sendable, Equatable {
        case integers([Int64])
        case strings([String])
    }

    @_spi(Engine) public let storage: Storage
    @usableFromInline internal let _integerIndex: [Int64: Int32]
    @usableFromInline internal let _stringIndex: [String: Int32]
    /// The first id when the integer ids are consecutive and ascending (then `_integerIndex` is empty).
    @usableFromInline internal let _rangeStart: Int64?

    public static func == (a: IDMap, b: IDMap) -> Bool { a.storage == b.storage }

    /// The first id when `ids` is `first, first + 1, …` (and non-empty).
    private static func consecutiveStart(_ ids: [Int64]) -> Int64? {
        guard let first = ids.first, first <= Int64.max - Int64(ids.count - 1) else { return nil }
        return ids.withUnsafeBufferPointer { b in
            var expected = first
            for id in b {
                guard id == expected else { return nil }
                expected &+= 1
            }
            return first
        }
    }

    /// Creates a map over integer ids. Precondition: no duplicates (checked; throws).
    public init(integers ids: [Int64]) throws {
        if let start = Self.consecutiveStart(ids) {
            self.init(storage: .integers(ids), integerIndex: [:], stringIndex: [:], rangeStart: start)
            return
        }
        var index = [Int64: Int32](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() {
            if index.updateValue(Int32(i), forKey: id) != nil {
                throw ALSError.invariantViolation("id \(id) appears twice in an IDMap")
            }
        }
        self.init(storage: .integers(ids), integerIndex: index, stringIndex: [:], rangeStart: nil)
    }

    /// Creates a map over text ids. Precondition: no duplicates (checked; throws).
    public init(strings ids: [String]) throws {
        var index = [String: Int32](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() {
            if index.updateValue(Int32(i), forKey: id) != nil {
                throw ALSError.invariantViolation("id \(id) appears twice in an IDMap")
            }
        }
        self.init(storage: .strings(ids), integerIndex: [:], stringIndex: index, rangeStart: nil)
    }

    private init(storage: Storage, integerIndex: [Int64: Int32], stringIndex: [String: Int32], rangeStart: Int64?) {
        self.storage = storage
        _integerIndex = integerIndex
        _stringIndex = stringIndex
        _rangeStart = rangeStart
    }

    /// The identity map `0 ..< count` (ids equal to indices), used for generated data.
    @_spi(Engine) public static func identity(count: Int) -> IDMap {
        consecutive(from: 0, count: count)
    }

    /// The map `first, first + 1, …, first + count − 1` (the ids a Matrix Market file without
    /// `%als-ids` gives its rows and columns: 1 … n).
    /// Precondition: `first + count` does not overflow.
    static func consecutive(from first: Int64, count: Int) -> IDMap {
        let ids = [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            var id = first
            for i in 0 ..< count {
                buffer.initializeElement(at: i, to: id)
                id &+= 1
            }
            initialized = count
        }
        return IDMap(storage: .integers(ids), integerIndex: [:], stringIndex: [:], rangeStart: count > 0 ? first : nil)
    }

    /// A map over ids that are unique by construction (a range, a prefix of another map): the
    /// index is built without the duplicate check, so nothing can throw.
    init(unique storage: Storage) {
        switch storage {
        case .integers(let ids):
            let start = Self.consecutiveStart(ids)
            self.init(storage: storage,
                      integerIndex: start != nil ? [:] : Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) }),
                      stringIndex: [:], rangeStart: start)
        case .strings(let ids):
            self.init(storage: storage, integerIndex: [:],
                      stringIndex: Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) }), rangeStart: nil)
        }
    }

    /// Number of ids.
    public var count: Int {
        switch storage {
        case .integers(let a): return a.count
        case .strings(let a): return a.count
        }
    }

    /// True when the ids are integers.
    public var isInteger: Bool { if case .integers = storage { return true } else { return false } }

    /// The external id of dense index `index`, as text.
    public func externalID(_ index: Int) -> String {
        switch storage {
        case .integers(let a): return String(a[index])
        case .strings(let a): return a[index]
        }
    }

    /// The dense index of an external id given as text, or nil when unknown.
    public func index(of id: String) -> Int? {
        switch storage {
        case .integers:
            guard let v = Int64(id) else { return nil }
            return index(of: v)
        case .strings:
            return _stringIndex[id].map(Int.init)
        }
    }

    /// The dense index of an integer external id, or nil when unknown.
    public func index(of id: Int64) -> Int? {
        switch storage {
        case .integers(let ids):
            if let start = _rangeStart {
                let (offset, overflow) = id.subtractingReportingOverflow(start)
                return !overflow && offset >= 0 && offset < Int64(ids.count) ? Int(offset) : nil
            }
            return _integerIndex[id].map(Int.init)
        case .strings: return _stringIndex[String(id)].map(Int.init)
        }
    }
}
