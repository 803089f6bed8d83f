import Foundation
import Testing

@testable import GatehouseConfig

@Suite("Identities and secret handling")
struct IdentityAndSecretTests {
    static func identities(_ body: String) -> String {
        Configurations.minimal + "identities:\n" + body
    }

    static let alice = """
          - access_key_id: AKIDEXAMPLE
            secret_access_key_file: certs/dev/AKIDEXAMPLE.secret
            principal: arn:aws:iam::123456789012:user/alice

        """

    @Test func secretFromFileHasTrailingNewlineRemoved() throws {
        let fixture = try ConfigFixture()
        let identity = try #require(try fixture.configuration(Self.identities(Self.alice)).identities.first)
        #expect(identity.secretAccessKey.exposedValue == ConfigFixture.secret)
        #expect(identity.principalAccount == "123456789012")
    }

    @Test func secretFromEnvironmentAndSessionToken() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.identities(
            """
              - access_key_id: AKIDENV
                secret_access_key_env: ALICE_SECRET
                principal: arn:aws:sts::123456789012:assumed-role/ops/alice
                session_token: ${ALICE_TOKEN}
                tags: {team: payments, level: 3}

            """)
        let identity = try #require(
            try fixture.configuration(yaml, environment: ["ALICE_SECRET": "s3cr3t-env", "ALICE_TOKEN": "tok-123"])
                .identities.first)
        #expect(identity.secretAccessKey.exposedValue == "s3cr3t-env")
        #expect(identity.sessionToken?.exposedValue == "tok-123")
        #expect(identity.tags == ["team": "payments", "level": "3"])
    }

    @Test func bothSecretSourcesIsAnError() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.identities(Self.alice + "    secret_access_key_env: ALICE_SECRET\n")
        #expect(
            fixture.problemLines(yaml, environment: ["ALICE_SECRET": "x"]) == [
                "gatehouse.yaml:14:28: set only one of \"secret_access_key_file\" and \"secret_access_key_env\" "
                    + "in identity \"AKIDEXAMPLE\""
            ])
    }

    @Test func noSecretSourceIsAnError() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.identities(
            "  - access_key_id: AKIDEXAMPLE\n    principal: arn:aws:iam::123456789012:user/alice\n")
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:11:5: missing \"secret_access_key_file\" or \"secret_access_key_env\" in identity "
                    + "\"AKIDEXAMPLE\""
            ])
    }

    @Test func unsetSecretVariableAndMissingSecretFile() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.identities(
            """
              - access_key_id: AKIDONE
                secret_access_key_env: NOT_SET
                principal: arn:aws:iam::123456789012:user/one
              - access_key_id: AKIDTWO
                secret_access_key_file: certs/dev/two.secret
                principal: arn:aws:iam::123456789012:user/two

            """)
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:12:28: environment variable NOT_SET named by \"secret_access_key_env\" in identity "
                    + "\"AKIDONE\" is not set or empty",
                "gatehouse.yaml:15:29: file certs/dev/two.secret named by \"secret_access_key_file\" in identity "
                    + "\"AKIDTWO\" does not exist",
            ])
    }

    @Test func duplicateAccessKeyIDsAndBadPrincipal() throws {
        let fixture = try ConfigFixture()
        let yaml = Self.identities(
            Self.alice + Self.alice.replacingOccurrences(of: "arn:aws:iam::123456789012:user/alice", with: "alice"))
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:16:16: \"principal\" in identity \"AKIDEXAMPLE\" must be an ARN such as "
                    + "\"arn:aws:iam::123456789012:user/alice\", found \"alice\""
            ])
        let duplicate = Self.identities(Self.alice + Self.alice)
        #expect(
            fixture.problemLines(duplicate) == [
                "gatehouse.yaml:14:20: duplicate access key id \"AKIDEXAMPLE\" (first at gatehouse.yaml:11:20)"
            ])
    }

    @Test func secretsNeverAppearInDescriptions() throws {
        let fixture = try ConfigFixture()
        let environment = ["BOB_SECRET": "bob-very-secret-value", "BOB_TOKEN": "bob-session-token-value"]
        let valid = Self.identities(
            Self.alice + """
                  - access_key_id: AKIDBOB
                    secret_access_key_env: BOB_SECRET
                    principal: arn:aws:iam::123456789012:user/bob
                    session_token: ${BOB_TOKEN}

                """)
        let configuration = try fixture.configuration(valid, environment: environment)
        let secrets = [ConfigFixture.secret, "bob-very-secret-value", "bob-session-token-value"]
        var dumped = ""
        dump(configuration, to: &dumped)
        let texts = [
            String(describing: configuration), String(reflecting: configuration), dumped,
            "\(configuration.identities)", configuration.identities.map(\.description).joined(),
            "\(configuration.identities[1].secretAccessKey)",
            String(reflecting: configuration.identities[1].sessionToken),
        ]
        for text in texts {
            for secret in secrets {
                #expect(!text.contains(secret), "a secret leaked into: \(text.prefix(200))")
            }
        }
        #expect(configuration.identities[1].description.contains("<redacted>"))

        // A broken configuration around the same secrets: no problem message may carry them either.
        let broken =
            valid.replacingOccurrences(of: "principal: arn:aws:iam::123456789012:user/bob", with: "principal: bob")
            + "bogus: 1\n"
        let problems = try fixture.problems(broken, environment: environment)
        #expect(problems.count == 2)
        for secret in secrets {
            #expect(!problems.map(\.description).joined().contains(secret))
        }
    }

    @Test func secretValueIsRedactedEverywhere() {
        let secret = SecretValue("hunter2")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(!dumped.contains("hunter2"))
        #expect(secret.exposedValue == "hunter2")
    }
}
