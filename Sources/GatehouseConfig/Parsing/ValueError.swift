/// Why a single configuration value could not be parsed; the loader adds the position and the field's name.
struct ValueError: Error, Hashable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
