#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Turns the negative errno values libsystemd returns into text, so errors read like the C tools' messages.
enum ErrnoText {
    static func describe(_ code: Int32) -> String {
        let positive = code < 0 ? -code : code
        guard let text = strerror(positive) else {
            return "errno \(positive)"
        }
        return String(cString: text) + " (errno \(positive))"
    }
}
