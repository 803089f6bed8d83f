import NIOCore

extension Optional where Wrapped == ByteBuffer {
    /// Appends `input`'s readable bytes, starting a buffer when there is none.
    mutating func append(_ input: inout ByteBuffer) {
        if self == nil {
            self = input
        } else {
            self!.writeBuffer(&input)
        }
    }
}
