extension Duration {
    /// The duration in whole microseconds, the unit of the request log.
    var _microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
