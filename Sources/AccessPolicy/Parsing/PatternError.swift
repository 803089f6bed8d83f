/// A problem inside one statement; the parser turns it into a `PolicyError` naming the statement.
struct PatternError: Error {
    let message: String
    let position: JSONPosition?

    init(_ message: String, at position: JSONPosition? = nil) {
        self.message = message
        self.position = position
    }
}
