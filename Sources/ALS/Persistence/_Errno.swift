/// The text of an `errno` value (the current one by default): the one errno-to-text helper of
/// the library, so every `ALSError.io` reads the same way.
func _errnoText(_ code: Int32 = _Platform.errno) -> String { _Platform.errorText(code) }
