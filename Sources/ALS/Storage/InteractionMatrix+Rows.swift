/// Interaction matrices built from rows held in memory, with external ids: no id maps to make
/// by hand.
extension InteractionMatrix {
    /// The matrix of `rows` (user id, item id, value) with text ids, numbered in order of first
    /// appearance (as the loader numbers text ids).
    ///
    /// - Parameters:
    ///   - rows: (user id, item id, value) triples in any order.
    ///   - duplicates: what a repeated (user, item) pair becomes; default `.sum`, as the
    ///     loader (see `DuplicatePolicy`).
    /// - Throws: `ALSError.duplicateEntry` under `.error` (its line is the 1-based row).
    public init(rows: [(user: String, item: String, value: Float)], duplicates: DuplicatePolicy = .sum) throws {
        var users = _FirstAppearance<String>(), items = _FirstAppearance<String>()
        var t = Triplets()
        t.users.reserveCapacity(rows.count)
        t.items.reserveCapacity(rows.count)
        t.values.reserveCapacity(rows.count)
        for row in rows {
            t.users.append(users.index(row.user))
            t.items.append(items.index(row.item))
            t.values.append(row.value)
        }
        try self.init(users: users.ids.count, items: items.ids.count, triplets: t, duplicates: duplicates,
                      userIDs: try IDMap(strings: users.ids), itemIDs: try IDMap(strings: items.ids))
    }

    /// The matrix of `rows` (user id, item id, value) with integer ids, numbered in ascending
    /// numeric order (as the loader numbers integer ids).
    ///
    /// - Parameters:
    ///   - rows: (user id, item id, value) triples in any order.
    ///   - duplicates: as `init(rows:duplicates:)` with text ids.
    public init(rows: [(user: Int64, item: Int64, value: Float)], duplicates: DuplicatePolicy = .sum) throws {
        let userIDs = Array(Set(rows.map(\.user))).sorted(), itemIDs = Array(Set(rows.map(\.item))).sorted()
        let userMap = try IDMap(integers: userIDs), itemMap = try IDMap(integers: itemIDs)
        var t = Triplets()
        for row in rows {
            // Every id is in its map by construction.
            t.users.append(Int32(userMap.index(of: row.user) ?? 0))
            t.items.append(Int32(itemMap.index(of: row.item) ?? 0))
            t.values.append(row.value)
        }
        try self.init(users: userIDs.count, items: itemIDs.count, triplets: t, duplicates: duplicates,
                      userIDs: userMap, itemIDs: itemMap)
    }
}

/// Dense indices handed out in order of first appearance.
private struct _FirstAppearance<ID: Hashable> {
    var ids: [ID] = []
    private var index: [ID: Int32] = [:]

    mutating func index(_ id: ID) -> Int32 {
        if let i = index[id] { return i }
        let i = Int32(ids.count)
        index[id] = i
        ids.append(id)
        return i
    }
}
