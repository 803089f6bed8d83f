/// The `state:` section: where quota counts are kept and how often they are merged (contract section 8).
public struct StateConfiguration: Hashable, Sendable {
    /// Which database holds the counts.
    public enum Store: Hashable, Sendable {
        /// An embedded SQLite file (the default), path resolved.
        case sqlite(path: String)
        /// A PostgreSQL shared by a fleet.
        case postgres(PostgresStateConfiguration)
    }

    /// What quotas do while the store cannot be reached (`on_store_failure`).
    public enum FailurePolicy: String, Hashable, Sendable, CaseIterable {
        case open
        case closed
    }

    public let store: Store
    /// `sync_interval_ms` (default 200).
    public let syncIntervalMilliseconds: Int
    public let onStoreFailure: FailurePolicy
    /// Whether the file has a `state:` section; without one, the store is opened only when quotas need it.
    public let isExplicit: Bool

    public init(
        store: Store, syncIntervalMilliseconds: Int = 200, onStoreFailure: FailurePolicy = .open,
        isExplicit: Bool = true
    ) {
        self.store = store
        self.syncIntervalMilliseconds = syncIntervalMilliseconds
        self.onStoreFailure = onStoreFailure
        self.isExplicit = isExplicit
    }

    /// The default SQLite file: `${STATE_DIRECTORY}/state.db` under systemd's `StateDirectory=` (the first folder
    /// when it lists several), else `gatehouse-state.db` beside the configuration file.
    public static func defaultSQLitePath(configurationFolder: String, environment: [String: String]) -> String {
        if let stateDirectory = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !stateDirectory.isEmpty {
            return stateDirectory + "/state.db"
        }
        let folder = configurationFolder.hasSuffix("/") ? String(configurationFolder.dropLast()) : configurationFolder
        return (folder.isEmpty ? "." : folder) + "/gatehouse-state.db"
    }
}

/// `state.postgres`: the server, the login and the trust anchors for TLS. The password is read from
/// `password_file` (never from the URL), so the configuration can be world-readable.
public struct PostgresStateConfiguration: Hashable, Sendable {
    public let host: String
    public let port: Int
    public let username: String
    public let database: String
    public let passwordFile: ConfiguredFile?
    /// PEM trust anchors; when set the connection requires TLS and verifies the server's certificate and name.
    public let ca: ConfiguredFile?

    public init(
        host: String, port: Int, username: String, database: String, passwordFile: ConfiguredFile?,
        ca: ConfiguredFile?
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.database = database
        self.passwordFile = passwordFile
        self.ca = ca
    }
}
