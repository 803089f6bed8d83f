import NIOCore

enum ByteBufferFixture {
    static func buffer(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
}
