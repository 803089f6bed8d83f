import Testing

@testable import GatehouseConfig

/// `forward_underscore_headers`: client headers whose names hold `_` are dropped unless this is true.
@Suite("forward_underscore_headers")
struct ForwardUnderscoreHeadersTests {
    @Test func defaultsToFalse() throws {
        let fixture = try ConfigFixture()
        #expect(try fixture.configuration(Configurations.minimal).forwardUnderscoreHeaders == false)
    }

    @Test(arguments: [("true", true), ("false", false), ("yes", true)])
    func readsABoolean(_ text: String, _ expected: Bool) throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "forward_underscore_headers: \(text)\n"
        #expect(try fixture.configuration(yaml).forwardUnderscoreHeaders == expected)
    }

    @Test func aNonBooleanIsReportedAtItsPosition() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "forward_underscore_headers: sometimes\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:29: \"forward_underscore_headers\" at top level must be true or false, found "
                    + "a string \"sometimes\""
            ])
    }

    @Test func aMisspeltKeyIsUnknownWithASuggestion() throws {
        let fixture = try ConfigFixture()
        let yaml = Configurations.minimal + "forward_underscores_headers: true\n"
        #expect(
            fixture.problemLines(yaml) == [
                "gatehouse.yaml:10:1: unknown key \"forward_underscores_headers\" at top level; did you mean "
                    + "\"forward_underscore_headers\"?"
            ])
    }
}
