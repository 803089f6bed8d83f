import Foundation
import GatehouseConfig
import GatehouseState
import Logging

/// Turns the `state:` section into a store: the SQLite file, or the PostgreSQL login with its password read from
/// `password_file` now (so a rotated secret is picked up at the next start, like the other credentials).
enum UsageStoreFactory {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func make(_ state: StateConfiguration, logger: Logger) throws -> any UsageStore {
        switch state.store {
        case .sqlite(let path):
            return SQLiteUsageStore(path: path, logger: logger)
        case .postgres(let postgres):
            var password: String?
            if let file = postgres.passwordFile {
                guard let data = FileManager.default.contents(atPath: file.path),
                    let text = String(data: data, encoding: .utf8)
                else {
                    throw Failure(
                        description: "\(file.location): cannot read the PostgreSQL password file \(file.path)")
                }
                password = text.trimmingCharacters(in: .newlines)
            }
            return PostgresUsageStore(
                settings: PostgresStoreSettings(
                    host: postgres.host, port: postgres.port, username: postgres.username,
                    database: postgres.database, password: password, caFile: postgres.ca?.path),
                logger: logger)
        }
    }
}
