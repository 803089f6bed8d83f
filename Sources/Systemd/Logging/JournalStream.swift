#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// systemd's `JOURNAL_STREAM=DEVICE:INODE`: which stream socket it connected to the journal.
///
/// systemd sets it for services whose stdout/stderr go to the journal. It is inherited by children whose stderr may
/// have been redirected, so it only counts when it names the very file our standard error is (systemd.exec(5)).
public struct JournalStream: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// Parses `DEVICE:INODE` (both decimal); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return nil
        }
        self.init(device: device, inode: inode)
    }

    /// The device and inode of an open descriptor, or `nil` when it is closed.
    public init?(fileDescriptor: Int32) {
        var status = stat()
        guard fstat(fileDescriptor, &status) == 0 else {
            return nil
        }
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Whether `fileDescriptor` is this stream.
    public func isConnected(to fileDescriptor: Int32) -> Bool {
        JournalStream(fileDescriptor: fileDescriptor) == self
    }
}
