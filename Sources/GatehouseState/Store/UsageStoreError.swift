/// Failures of a store that are not the database's own errors: a schema newer than this build understands, or a
/// row that does not read back as written.
public enum UsageStoreError: Error, CustomStringConvertible, Equatable {
    case schemaTooNew(found: Int, supported: Int)
    case malformedRow(String)
    case timedOut(seconds: Int)

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let supported):
            return "the state store's schema is version \(found), newer than this Gatehouse understands "
                + "(\(supported)); upgrade Gatehouse"
        case .malformedRow(let detail):
            return "the state store returned a malformed row: \(detail)"
        case .timedOut(let seconds):
            return "the state store did not answer within \(seconds) s"
        }
    }
}
