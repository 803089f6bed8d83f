import Foundation
import Yams

/// Reads `state:`, filling in the contract's defaults; the SQLite file defaults to the state directory systemd
/// gives (`STATE_DIRECTORY`) or a file beside the configuration.
struct StateReader {
    static let knownKeys = ["sqlite", "postgres", "sync_interval_ms", "on_store_failure"]
    static let postgresKeys = ["url", "password_file", "ca"]

    let context: LoadContext

    func read(_ node: Node?) -> StateConfiguration? {
        let defaultPath = StateConfiguration.defaultSQLitePath(
            configurationFolder: context.baseDirectory, environment: context.environment)
        guard let node else {
            return StateConfiguration(store: .sqlite(path: defaultPath), isExplicit: false)
        }
        guard let fields = context.fields(of: node, owner: "in \"state\"", known: Self.knownKeys) else {
            return nil
        }
        let interval = context.integer(fields, "sync_interval_ms", default: 200, range: 10...60_000)
        let policy = context.choice(fields, "on_store_failure", default: StateConfiguration.FailurePolicy.open)
        let store: StateConfiguration.Store?
        if let postgresNode = fields.present("postgres") {
            if let sqliteNode = fields.present("sqlite") {
                context.report(
                    "\"state\" may name \"sqlite\" or \"postgres\", not both (\"postgres\" is at "
                        + "\(context.location(of: postgresNode)))", at: sqliteNode)
            }
            store = readPostgres(postgresNode).map { .postgres($0) }
        } else if let sqlite = context.string(fields, "sqlite") {
            store = readSQLite(sqlite, at: fields["sqlite"])
        } else {
            store = fields.present("sqlite") == nil ? .sqlite(path: defaultPath) : nil
        }
        guard let interval, let policy, let store else {
            return nil
        }
        return StateConfiguration(store: store, syncIntervalMilliseconds: interval, onStoreFailure: policy)
    }

    private func readSQLite(_ text: String, at node: Node?) -> StateConfiguration.Store? {
        guard !text.isEmpty else {
            context.report("\"sqlite\" in \"state\" must name a file, found an empty string", at: node)
            return nil
        }
        let path = context.resolvePath(text)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            context.report("\"sqlite\" in \"state\" names \(path), which is a folder, not a file", at: node)
            return nil
        }
        return .sqlite(path: path)
    }

    private func readPostgres(_ node: Node) -> PostgresStateConfiguration? {
        guard let fields = context.fields(of: node, owner: "in \"state.postgres\"", known: Self.postgresKeys) else {
            return nil
        }
        let passwordFile = context.file(fields, "password_file", required: false)
        let ca = context.file(fields, "ca", required: false)
        guard let url = context.string(fields, "url", required: true) else {
            return nil
        }
        switch PostgresURL.parse(url) {
        case .success(let parsed):
            if fields.present("password_file") != nil && passwordFile == nil { return nil }
            if fields.present("ca") != nil && ca == nil { return nil }
            return PostgresStateConfiguration(
                host: parsed.host, port: parsed.port, username: parsed.username, database: parsed.database,
                passwordFile: passwordFile, ca: ca)
        case .failure(let problem):
            context.report("\"url\" in \"state.postgres\" \(problem.message)", at: fields["url"])
            return nil
        }
    }
}
