import Foundation

/// NumPy interchange in the layout of the Python `implicit` library (0.7.3).
///
/// `implicit.cpu.als.AlternatingLeastSquares.save` writes an `.npz` (see
/// `implicit/cpu/als.py`) with the arrays `user_factors` and `item_factors` and the
/// hyperparameters `factors`, `regularization`, `alpha`, `iterations`, `cg_steps`, `use_cg`,
/// `use_native`, `num_threads`, `calculate_training_loss`, `dtype` and `random_state` (left out
/// when None); its `load` (`implicit/recommender_base.py`) reads the archive with
/// `np.load(allow_pickle=False)` and sets every key as an attribute, so extra keys are harmless.
/// We add `user_ids` and `item_ids`, so that ids survive a round trip.
///
/// implicit has no biases. A model with biases or a global mean is exported with them folded into
/// two extra factor columns: x'_u = [x_u, 1, μ + b_u] and y'_i = [y_i, b_i, 1], so that
/// x'_uᵀy'_i = x_uᵀy_i + b_i + μ + b_u and implicit ranks items as we do. Importing such a file
/// gives an equivalent model with k + 2 factors and no biases.
extension ALSModel {
    /// Writes the model as an `.npz` that `implicit.cpu.als.AlternatingLeastSquares.load` accepts.
    /// - Throws: `ALSError.io` when the file cannot be written (or would pass 4 GiB).
    public func exportNPZ(to url: URL) throws {
        let (x, y, k) = _foldedFactors()
        let c = configuration
        var members: [(String, _NumPyArray)] = [
            ("user_factors", x.withUnsafeBufferPointer { .float32($0, shape: [users, k]) }),
            ("item_factors", y.withUnsafeBufferPointer { .float32($0, shape: [items, k]) }),
            ("regularization", .scalar(Double(c.regularization))),
            ("factors", .scalar(Int64(k))),
            ("num_threads", .scalar(Int64(c.threads))),
            ("iterations", .scalar(Int64(c.iterations))),
            ("use_native", .scalar(true)),
            ("use_cg", .scalar(c.solver == .cg)),
            ("cg_steps", .scalar(Int64(c.cgSteps))),
            ("calculate_training_loss", .scalar(c.computeLoss)),
            ("dtype", .scalar("float32")),
            ("alpha", .scalar(Double(c.alpha))),
            ("user_ids", Self._idArray(userIDs)),
            ("item_ids", Self._idArray(itemIDs)),
        ]
        if c.seed <= UInt64(Int64.max) { members.append(("random_state", .scalar(Int64(c.seed)))) }
        let bytes = try _Zip.archive(members.map { _Zip.Member(name: $0.0 + ".npy", data: $0.1.encoded()) },
                                     path: url.path)
        try Self._write(bytes, to: url)
    }

    /// Reads an `.npz` written by `exportNPZ(to:)` or by implicit's `save` (float32 or float64
    /// factors). Without `user_ids`/`item_ids` the ids are the dense indices 0, 1, …. The
    /// configuration is implicit mode with implicit's confidence convention (`.scaled`) and the
    /// stored hyperparameters.
    /// - Throws: `ALSError.corruptFile` when an array is missing, malformed or of the wrong shape.
    public static func importNPZ(from url: URL) throws -> ALSModel {
        let path = url.path
        let file = try _MappedFile(path: path)
        var arrays: [String: _NumPyArray] = [:]
        for m in try _Zip.members(of: file.bytes, path: path) {
            let key = m.name.hasSuffix(".npy") ? String(m.name.dropLast(4)) : m.name
            arrays[key] = try m.data.withUnsafeBytes { try _NumPyArray.decode($0, name: m.name, path: path) }
        }
        func required(_ key: String) throws -> _NumPyArray {
            guard let a = arrays[key] else { throw ALSError.corruptFile(path: path, reason: "no \(key) array") }
            return a
        }
        func number(_ key: String) throws -> Double? { try arrays[key]?.scalarNumber(path: path, name: key) }
        let x = try required("user_factors"), y = try required("item_factors")
        guard x.shape.count == 2, y.shape.count == 2, x.shape[1] == y.shape[1] else {
            throw ALSError.corruptFile(path: path, reason: "user_factors \(x.shape) and item_factors \(y.shape) are not two matrices with the same number of columns")
        }
        let k = x.shape[1]
        var c = ALSConfiguration(mode: .implicit, factors: k)
        c.confidence = .scaled
        if let v = try number("regularization") { c.regularization = Float(v) }
        if let v = try number("alpha") { c.alpha = Float(v) }
        if let v = try number("iterations") { c.iterations = Int(v) }
        if let v = try number("cg_steps") { c.cgSteps = Int(v) }
        if let v = try number("use_cg") { c.solver = v != 0 ? .cg : .cholesky }
        if let v = try number("num_threads") { c.threads = Int(v) }
        if let v = try number("calculate_training_loss") { c.computeLoss = v != 0 }
        if let v = try number("random_state"), v >= 0 { c.seed = UInt64(v) }
        func ids(_ key: String, count: Int) throws -> IDMap {
            guard let a = arrays[key] else { return .identity(count: count) }
            guard a.shape == [count] else {
                throw ALSError.corruptFile(path: path, reason: "\(key) has shape \(a.shape), expected [\(count)]")
            }
            do {
                return a.descr.hasPrefix("<U") ? try IDMap(strings: a.strings(path: path, name: key))
                    : try IDMap(integers: a.int64s(path: path, name: key))
            } catch ALSError.invariantViolation(let detail) {
                throw ALSError.corruptFile(path: path, reason: "\(key): \(detail)")
            }
        }
        return try ALSModel(factors: k, userFactors: x.floats(path: path, name: "user_factors"),
                            itemFactors: y.floats(path: path, name: "item_factors"),
                            userIDs: ids("user_ids", count: x.shape[0]), itemIDs: ids("item_ids", count: y.shape[0]),
                            configuration: c)
    }

    /// Writes the user and item factors as two `.npy` files (`np.load` gives users × k and
    /// items × k float32 matrices; biases folded as in `exportNPZ`).
    @_spi(Engine) public func exportNPY(userFactorsTo users: URL, itemFactorsTo items: URL) throws {
        let (x, y, k) = _foldedFactors()
        try Self._write(x.withUnsafeBufferPointer { _NumPyArray.float32($0, shape: [self.users, k]) }.encoded(), to: users)
        try Self._write(y.withUnsafeBufferPointer { _NumPyArray.float32($0, shape: [self.items, k]) }.encoded(), to: items)
    }

    /// A model from two `.npy` factor matrices (float32 or float64, same number of columns),
    /// with ids 0, 1, … and the given configuration (whose `factors` is set to the columns).
    @_spi(Engine) public static func importNPY(userFactors users: URL, itemFactors items: URL,
                                 configuration: ALSConfiguration) throws -> ALSModel {
        func matrix(_ url: URL) throws -> (values: [Float], rows: Int, columns: Int) {
            let file = try _MappedFile(path: url.path)
            let a = try _NumPyArray.decode(file.bytes, name: url.lastPathComponent, path: url.path)
            guard a.shape.count == 2 else {
                throw ALSError.corruptFile(path: url.path, reason: "expected a matrix, found shape \(a.shape)")
            }
            return (try a.floats(path: url.path, name: url.lastPathComponent), a.shape[0], a.shape[1])
        }
        let x = try matrix(users), y = try matrix(items)
        guard x.columns == y.columns else {
            throw ALSError.shapeMismatch("user factors have \(x.columns) columns, item factors \(y.columns)")
        }
        var c = configuration
        c.factors = x.columns
        return try ALSModel(factors: x.columns, userFactors: x.values, itemFactors: y.values,
                            userIDs: .identity(count: x.rows), itemIDs: .identity(count: y.rows), configuration: c)
    }

    /// The factors with biases and global mean folded into two extra columns (see the type
    /// comment), or unchanged when the model has neither.
    private func _foldedFactors() -> (users: [Float], items: [Float], k: Int) {
        guard hasBiases || globalMean != 0 else { return (userFactors, itemFactors, factors) }
        let k = factors, k2 = factors + 2
        var x = [Float](repeating: 0, count: users * k2), y = [Float](repeating: 0, count: items * k2)
        withUserFactors { X in
            for u in 0 ..< users {
                for f in 0 ..< k { x[u * k2 + f] = X[u * k + f] }
                x[u * k2 + k] = 1
                x[u * k2 + k + 1] = globalMean + (hasBiases ? userBiases[u] : 0)
            }
        }
        withItemFactors { Y in
            for i in 0 ..< items {
                for f in 0 ..< k { y[i * k2 + f] = Y[i * k + f] }
                y[i * k2 + k] = hasBiases ? itemBiases[i] : 0
                y[i * k2 + k + 1] = 1
            }
        }
        return (x, y, k2)
    }

    private static func _idArray(_ map: IDMap) -> _NumPyArray {
        switch map.storage {
        case .integers(let ids): return .int64s(ids)
        case .strings(let ids): return .strings(ids, shape: [ids.count])
        }
    }

    private static func _write(_ bytes: [UInt8], to url: URL) throws {
        let file = try _AtomicFile(path: url.path)
        try bytes.withUnsafeBytes { try file.write($0) }
        try file.commit()
    }
}
