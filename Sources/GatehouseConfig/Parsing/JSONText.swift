import Yams

/// Converts a YAML node (an inline resource policy) to JSON text.
///
/// Only plain scalars that YAML resolves as integers, floats, booleans or null become JSON literals; everything else
/// is a string, so `Version: 2012-10-17` (a YAML timestamp) stays the string IAM expects.
/// Writes YAML nodes as JSON text (inline policies), and quotes strings for JSON; the gateway uses the same quoting
/// for its error bodies.
public enum JSONText {
    static func from(_ node: Node, expand: (String) -> String) -> String {
        var output = ""
        write(node, to: &output, expand: expand)
        return output
    }

    private static func write(_ node: Node, to output: inout String, expand: (String) -> String) {
        switch node {
        case .mapping(let mapping):
            output += "{"
            for (index, pair) in mapping.enumerated() {
                if index > 0 {
                    output += ","
                }
                output += quoted(pair.key.scalar?.string ?? "")
                output += ":"
                write(pair.value, to: &output, expand: expand)
            }
            output += "}"
        case .sequence(let sequence):
            output += "["
            for (index, item) in sequence.enumerated() {
                if index > 0 {
                    output += ","
                }
                write(item, to: &output, expand: expand)
            }
            output += "]"
        case .scalar(let scalar):
            output += literal(node, scalar: scalar) ?? quoted(expand(scalar.string))
        }
    }

    private static func literal(_ node: Node, scalar: Node.Scalar) -> String? {
        guard scalar.style == .plain else {
            return nil
        }
        switch node.resolvedTagName {
        case Tag.Name.null.rawValue:
            return "null"
        case Tag.Name.bool.rawValue:
            return node.bool.map { $0 ? "true" : "false" }
        case Tag.Name.int.rawValue:
            return Int(scalar.string).map(String.init)
        case Tag.Name.float.rawValue:
            let text = scalar.string
            let isJSONNumber =
                text.range(of: #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil
            return isJSONNumber ? text : nil
        default:
            return nil
        }
    }

    /// `text` as a JSON string literal, quotes included (RFC 8259 escaping).
    public static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
