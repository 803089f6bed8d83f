/// Expands `${stageVariables.NAME}` in an integration URI with one stage's variables.
enum StageVariableExpander {
    static let prefix = "${stageVariables."

    /// The expanded text, and the names of the variables the stage does not define.
    static func expand(_ text: String, variables: [String: String]) -> (text: String, unknown: [String]) {
        var output = ""
        var unknown: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: prefix) {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(afterOpen[..<close])
            if let value = variables[name] {
                output += value
            } else {
                unknown.append(name)
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        output += rest
        return (output, unknown)
    }
}
