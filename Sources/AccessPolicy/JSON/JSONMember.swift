/// One `"key": value` pair of a JSON object, with the key's own position for error messages.
public struct JSONMember: Hashable, Sendable {
    public var key: String
    public var keyPosition: JSONPosition?
    public var value: JSONValue

    public init(key: String, keyPosition: JSONPosition? = nil, value: JSONValue) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}
