import Testing

@testable import GatehouseConfig

@Suite("The state section")
struct StateConfigurationTests {
    static func with(_ state: String) -> String {
        Configurations.minimal + "state:\n" + state
    }

    @Test func defaultsToSQLiteBesideTheConfiguration() throws {
        let fixture = try ConfigFixture()
        let state = try fixture.configuration(Configurations.minimal).state
        #expect(state.store == .sqlite(path: fixture.folder + "/gatehouse-state.db"))
        #expect(state.syncIntervalMilliseconds == 200)
        #expect(state.onStoreFailure == .open)
        #expect(state.isExplicit == false)
    }

    @Test func defaultsToTheStateDirectoryUnderSystemd() throws {
        let fixture = try ConfigFixture()
        let state = try fixture.configuration(
            Configurations.minimal, environment: ["STATE_DIRECTORY": "/var/lib/gatehouse:/var/lib/other"]
        ).state
        #expect(state.store == .sqlite(path: "/var/lib/gatehouse/state.db"))
    }

    @Test func readsEveryKey() throws {
        let fixture = try ConfigFixture()
        try fixture.write("secret\n", to: "pg.secret")
        let yaml = Self.with(
            """
              postgres: {url: "postgres://gatehouse@db.internal:6543/quotas", password_file: pg.secret}
              sync_interval_ms: 50
              on_store_failure: closed

            """)
        let state = try fixture.configuration(yaml).state
        let secretAt = position(of: "pg.secret", in: yaml)
        #expect(
            state.store
                == .postgres(
                    PostgresStateConfiguration(
                        host: "db.internal", port: 6543, username: "gatehouse", database: "quotas",
                        passwordFile: ConfiguredFile(
                            path: fixture.folder + "/pg.secret",
                            location: SourceLocation(
                                file: fixture.configPath, line: secretAt.line, column: secretAt.column)),
                        ca: nil)))
        #expect(state.syncIntervalMilliseconds == 50)
        #expect(state.onStoreFailure == .closed)
        #expect(state.isExplicit)
    }

    @Test func relativeSQLitePathsAreBesideTheConfiguration() throws {
        let fixture = try ConfigFixture()
        let state = try fixture.configuration(Self.with("  sqlite: data/counts.db\n")).state
        #expect(state.store == .sqlite(path: fixture.folder + "/data/counts.db"))
    }

    @Test func badValuesAreReportedAtTheirPositions() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.with(
            """
              sync_interval_ms: 0
              on_store_failure: maybe
              postgres: {url: "postgres://gatehouse:hunter2@db/quotas", ca: missing-ca.pem}
              sqlite: state.db
              cache: true

            """)
        let postgresAt = position(of: "{url", in: yaml)
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:21: \"sync_interval_ms\" in "
                    + "\"state\" must be between 10 and 60000, found 0",
                "\(at("maybe", in: yaml)): \"on_store_failure\" in \"state\" must be one of \"open\", \"closed\", "
                    + "found \"maybe\"",
                "\(at("\"postgres://", in: yaml)): \"url\" in \"state.postgres\" must not hold a password; put it in "
                    + "\"password_file\"",
                "\(at("missing-ca.pem", in: yaml)): file missing-ca.pem named by \"ca\" in \"state.postgres\" does not "
                    + "exist",
                "\(at("state.db", in: yaml)): \"state\" may name \"sqlite\" or \"postgres\", not both "
                    + "(\"postgres\" is at gatehouse.yaml:\(postgresAt.line):\(postgresAt.column))",
                "\(at("cache", in: yaml)): unknown key \"cache\" in \"state\"",
            ])
    }

    @Test(arguments: [
        ("mysql://gatehouse@db/quotas", "must be a URL such as postgres://gatehouse@db.internal:5432/gatehouse"),
        ("postgres://db/quotas", "must name a user (postgres://USER@HOST/DATABASE)"),
        ("postgres://gatehouse@db", "must name a database (postgres://USER@HOST/DATABASE)"),
        ("postgres://gatehouse@db/quotas?sslmode=disable", "must not have query parameters; TLS is set by \"ca\""),
    ])
    func badURLs(url: String, message: String) throws {
        let fixture = try ConfigFixture()
        let yaml = Self.with("  postgres: {url: \"\(url)\"}\n")
        #expect(fixture.problemLines(yaml) == ["\(at("\"\(url)", in: yaml)): \"url\" in \"state.postgres\" \(message)"])
    }
}
