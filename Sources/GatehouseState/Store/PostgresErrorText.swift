import PostgresNIO

/// A readable sentence for a PostgreSQL failure. PostgresNIO's own description hides everything (to keep queries
/// out of logs); this keeps the server's message and SQLSTATE, or the connection error, and never a query or a
/// password.
enum PostgresErrorText {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo, let message = info[.message] {
            let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying {
            return "\(error.code): \(underlying)"
        }
        return "\(error.code)"
    }
}

/// A PostgreSQL failure carried with its readable text (see ``PostgresErrorText``).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String

    init(_ error: any Error) {
        description = PostgresErrorText.describe(error)
    }
}
