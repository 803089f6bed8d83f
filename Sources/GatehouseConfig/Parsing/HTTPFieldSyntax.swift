import GatehouseBytes

/// RFC 9110 field syntax for the headers an operator writes into the configuration (MOCK answers). Gatehouse sends
/// them without NIO's outbound validation, so they are checked once, here, where a bad one can be reported at its
/// own position in the file.
public enum HTTPFieldSyntax {
    /// A field name is a token (RFC 9110 §5.6.2): letters, digits and ``!#$%&'*+-.^_`|~``.
    public static func isValidName(_ name: String) -> Bool {
        ASCII.isToken(name)
    }

    /// A value must not end the field or the message early: no CR, LF or NUL.
    public static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
