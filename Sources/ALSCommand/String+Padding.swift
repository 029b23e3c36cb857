extension String {
    /// The string padded with spaces on the left to `width` characters (unchanged if longer).
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string padded with spaces on the right to `width` characters, or followed by one
    /// space when it is already that long, so table columns never touch.
    func rightPadded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
