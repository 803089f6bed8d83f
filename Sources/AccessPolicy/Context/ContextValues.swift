/// The value(s) of a context key for one request: absent, one typed value, or several strings
/// (multi-valued keys such as `gatehouse:ClientCertUri`). No array is built for the common single value.
enum ContextValues: Sendable {
    case absent
    case one(ContextValue)
    case strings([String])

    var isAbsent: Bool {
        switch self {
        case .absent: true
        case .one: false
        case .strings(let values): values.isEmpty
        }
    }

    var texts: [String]? {
        switch self {
        case .absent: nil
        case .one(let value): [value.text]
        case .strings(let values): values.isEmpty ? nil : values
        }
    }

    /// Calls `body` on each value; stops and returns true as soon as `body` does.
    @inline(__always)
    func contains(where body: (ContextValue) -> Bool) -> Bool {
        switch self {
        case .absent: return false
        case .one(let value): return body(value)
        case .strings(let values):
            for value in values where body(.string(value)) { return true }
            return false
        }
    }

    /// True when `body` holds for every value (vacuously true when there are none).
    @inline(__always)
    func allSatisfy(_ body: (ContextValue) -> Bool) -> Bool {
        switch self {
        case .absent: return true
        case .one(let value): return body(value)
        case .strings(let values):
            for value in values where !body(.string(value)) { return false }
            return true
        }
    }
}
