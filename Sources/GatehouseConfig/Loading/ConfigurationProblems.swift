/// Every problem found while loading a configuration, in file order, so a user can fix them all in one go.
public struct ConfigurationProblems: Error, Hashable, Sendable, CustomStringConvertible {
    public var problems: [ConfigurationProblem]

    public init(_ problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// One line per problem, as `gatehouse validate` prints them.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
