import Yams

extension Node {
    /// Whether this is a null scalar (`null`, `~`, or nothing) written plainly.
    var isNullScalar: Bool {
        guard case .scalar(let scalar) = self else {
            return false
        }
        return scalar.style == .plain && tag.description == Tag.Name.null.rawValue
    }

    /// The resolved YAML tag name (`tag:yaml.org,2002:int`, ...).
    var resolvedTagName: String {
        tag.description
    }

    /// A short phrase for messages saying what kind of value this is, e.g. `a list`, `a number`.
    var kindDescription: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            switch resolvedTagName {
            case Tag.Name.null.rawValue: return "null"
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: return "a number"
            case Tag.Name.bool.rawValue: return "a boolean"
            default: return "a string"
            }
        }
    }
}
