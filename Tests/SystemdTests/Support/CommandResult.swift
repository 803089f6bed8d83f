/// What a finished subprocess produced.
struct CommandResult: Sendable {
    var status: Int32
    var standardOutput: String
    var standardError: String

    var combinedOutput: String { standardOutput + standardError }
}
