import Foundation

/// `postgres://USER@HOST[:PORT]/DATABASE` (or `postgresql://`), as `state.postgres.url` takes it. A password in
/// the URL is refused (it belongs in `password_file`, out of a file that is often world-readable), and so are
/// query parameters: TLS is chosen by `ca`, not by `sslmode`.
struct PostgresURL: Equatable {
    let host: String
    let port: Int
    let username: String
    let database: String

    static func parse(_ text: String) -> Result<PostgresURL, ValueError> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            return .failure(ValueError("must be a URL such as postgres://gatehouse@db.internal:5432/gatehouse"))
        }
        guard components.password == nil else {
            return .failure(ValueError("must not hold a password; put it in \"password_file\""))
        }
        guard components.query == nil, components.fragment == nil else {
            return .failure(ValueError("must not have query parameters; TLS is set by \"ca\""))
        }
        guard let host = components.host, !host.isEmpty else {
            return .failure(ValueError("must name a host"))
        }
        guard let username = components.user, !username.isEmpty else {
            return .failure(ValueError("must name a user (postgres://USER@HOST/DATABASE)"))
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(ValueError("must name a database (postgres://USER@HOST/DATABASE)"))
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            return .failure(ValueError("has a port out of range"))
        }
        let bareHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return .success(
            PostgresURL(
                host: bareHost, port: port, username: username.removingPercentEncoding ?? username,
                database: database.removingPercentEncoding ?? database))
    }
}
