/// A two-way map between external ids (as written in the data file) and dense indices
/// `0 ..< count`. Integer ids are kept as integers, so a 20M-rating file with numeric ids never
/// allocates a `String` per id; any other id is kept as its text.
///
/// Invariant: `externalIDs` holds no duplicates, and `index(of: externalIDs[i]) == i`.
public struct IDMap: Sendable, Equatable {
    /// The ids, in dense-index order.
    public enum Storage: Sendable, Equatable {
        case integers([Int64])
        case strings([String])
    }

    public let storage: Storage
    @usableFromInline internal let _integerIndex: [Int64: Int32]
    @usableFromInline internal let _stringIndex: [String: Int32]

    /// Creates a map over integer ids. Precondition: no duplicates (checked; throws).
    public init(integers ids: [Int64]) throws {
        var index = [Int64: Int32](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() {
            if index.updateValue(Int32(i), forKey: id) != nil {
                throw ALSError.invariantViolation("id \(id) appears twice in an IDMap")
            }
        }
        storage = .integers(ids)
        _integerIndex = index
        _stringIndex = [:]
    }

    /// Creates a map over text ids. Precondition: no duplicates (checked; throws).
    public init(strings ids: [String]) throws {
        var index = [String: Int32](minimumCapacity: ids.count)
        for (i, id) in ids.enumerated() {
            if index.updateValue(Int32(i), forKey: id) != nil {
                throw ALSError.invariantViolation("id \(id) appears twice in an IDMap")
            }
        }
        storage = .strings(ids)
        _integerIndex = [:]
        _stringIndex = index
    }

    /// The identity map `0 ..< count` (ids equal to indices), used for generated data.
    public static func identity(count: Int) -> IDMap {
        IDMap(unique: .integers((0 ..< Int64(count)).map { $0 }))
    }

    /// A map over ids that are unique by construction (a range, a prefix of another map): the
    /// index is built without the duplicate check, so nothing can throw.
    init(unique storage: Storage) {
        self.storage = storage
        switch storage {
        case .integers(let ids):
            _integerIndex = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) })
            _stringIndex = [:]
        case .strings(let ids):
            _integerIndex = [:]
            _stringIndex = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) })
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
            return _integerIndex[v].map(Int.init)
        case .strings:
            return _stringIndex[id].map(Int.init)
        }
    }

    /// The dense index of an integer external id, or nil when unknown.
    public func index(of id: Int64) -> Int? {
        switch storage {
        case .integers: return _integerIndex[id].map(Int.init)
        case .strings: return _stringIndex[String(id)].map(Int.init)
        }
    }
}
