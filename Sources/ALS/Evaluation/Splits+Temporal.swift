extension Splits {
    /// Global temporal split: all interactions stably sorted by timestamp, the first
    /// `floor(N · trainFraction)` are train and the rest test; then test interactions of users
    /// with fewer than `minimumTrainInteractions` train interactions are dropped (so with a
    /// minimum above 0 the parts need not cover the input).
    ///
    /// "Stably" means equal timestamps keep the input order, which is why this version takes
    /// triplets in file order: with ML-100k's `u.data`, a fraction of 0.8 and a minimum of 10 it
    /// reproduces the shipped ml100k-temporal split exactly (ties straddle its boundary, so any
    /// other order moves entries across it). Duplicate cells are merged by `duplicates` within
    /// each part.
    @_spi(Engine) public static func temporal(
        _ triplets: Triplets, users: Int, items: Int, userIDs: IDMap? = nil, itemIDs: IDMap? = nil,
        duplicates: DuplicatePolicy = .sum, trainFraction: Double = 0.8, minimumTrainInteractions: Int = 0
    ) throws -> DataSplit {
        try checkFraction(trainFraction, "trainFraction")
        guard let times = triplets.timestamps else {
            throw ALSError.invalidConfiguration(
                parameter: "split",
                reason: "a temporal split needs timestamps, and these triplets have none; load the data with its timestamp column, or use a random split")
        }
        let n = triplets.count
        // Sorting by (timestamp, input position) is a stable sort by timestamp whatever
        // algorithm `sort` uses.
        let order = (0 ..< n).sorted { (times[$0], $0) < (times[$1], $1) }
        let trainCount = count(of: n, fraction: trainFraction)
        var isTrain = [Bool](repeating: false, count: n)
        var trainPerUser = [Int](repeating: 0, count: users)
        for p in order.prefix(trainCount) {
            isTrain[p] = true
            let u = Int(triplets.users[p])
            guard u >= 0, u < users else {
                throw ALSError.invariantViolation("triplet \(p) user \(u) outside 0..<\(users)")
            }
            trainPerUser[u] += 1
        }
        var train = [Int](), test = [Int]()
        train.reserveCapacity(trainCount)
        for p in 0 ..< n {
            if isTrain[p] {
                train.append(p)
            } else if trainPerUser[Int(triplets.users[p])] >= minimumTrainInteractions {
                test.append(p)
            }
        }
        func build(_ positions: [Int]) throws -> InteractionMatrix {
            try InteractionMatrix(
                users: users, items: items, triplets: subset(triplets, positions), duplicates: duplicates,
                userIDs: userIDs, itemIDs: itemIDs)
        }
        return DataSplit(train: try build(train), test: try build(test))
    }

    /// Global temporal split of a matrix. A matrix no longer knows its input order, so equal
    /// timestamps are ordered by (user, item) index; use the triplet version to reproduce a split
    /// defined on a file's order.
    public static func temporal(
        _ data: InteractionMatrix, trainFraction: Double = 0.8, minimumTrainInteractions: Int = 0
    ) throws -> DataSplit {
        _ = try requireTimestamps(data, "temporal")
        return try temporal(
            data.triplets(), users: data.users, items: data.items, userIDs: data.userIDs, itemIDs: data.itemIDs,
            duplicates: .error, trainFraction: trainFraction, minimumTrainInteractions: minimumTrainInteractions)
    }
}

extension Splits {
    /// The triplets at `positions`, in that order, with every optional array carried along.
    static func subset(_ t: Triplets, _ positions: [Int]) -> Triplets {
        Triplets(
            users: positions.map { t.users[$0] }, items: positions.map { t.items[$0] },
            values: positions.map { t.values[$0] },
            timestamps: t.timestamps.map { a in positions.map { a[$0] } },
            weights: t.weights.map { a in positions.map { a[$0] } },
            lines: t.lines.map { a in positions.map { a[$0] } })
    }
}
