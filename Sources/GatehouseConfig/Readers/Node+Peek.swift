import Yams

extension Node {
    /// The raw text of a scalar field of this mapping, used only to name the owner in messages before reading.
    func peekText(_ key: String) -> String? {
        guard case .mapping(let mapping) = self, let value = mapping[key], case .scalar(let scalar) = value,
            !value.isNullScalar, !scalar.string.isEmpty
        else {
            return nil
        }
        return scalar.string
    }
}
