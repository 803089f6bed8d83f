import NIOCore
import Synchronization

/// Caps open connections per listener. At the cap the listener stops accepting, so further connections wait in
/// the kernel's backlog instead of being refused, and accepting resumes as connections close.
public final class ConnectionLimiter: Sendable {
    private let limit: Int
    private let active = Atomic<Int>(0)
    private let serverChannel = Mutex<Channel?>(nil)
    private let stopped = Atomic<Bool>(false)
    /// Told of every close, so that the memory of many closed connections goes back to the kernel.
    private let heapTrimmer: HeapTrimmer?

    public init(limit: Int, heapTrimmer: HeapTrimmer? = nil) {
        self.limit = limit
        self.heapTrimmer = heapTrimmer
    }

    public var activeConnections: Int { active.load(ordering: .relaxed) }

    func attach(serverChannel channel: Channel) {
        serverChannel.withLock { $0 = channel }
    }

    /// Counts `channel` as open until it closes; `onChange` gets the number of open connections after each change
    /// (for the `active_connections` gauge).
    func track(_ channel: Channel, onChange: @escaping @Sendable (Int) -> Void) {
        connectionOpened()
        onChange(activeConnections)
        channel.closeFuture.whenComplete { _ in
            self.connectionClosed()
            onChange(self.activeConnections)
        }
    }

    /// Called for each accepted connection; pauses accepting when the cap is reached.
    func connectionOpened() {
        let now = active.wrappingAdd(1, ordering: .relaxed).newValue
        if now >= limit { setAccepting(false) }
    }

    func connectionClosed() {
        heapTrimmer?.connectionClosed()
        let now = active.wrappingSubtract(1, ordering: .relaxed).newValue
        if now == limit - 1 { setAccepting(true) }
    }

    /// Drain: stop taking connections off the listen queue for good; they stay queued for the next process when
    /// the socket is shared (socket activation).
    func stopAccepting() async {
        stopped.store(true, ordering: .relaxed)
        guard let channel = serverChannel.withLock({ $0 }) else { return }
        try? await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }

    private func setAccepting(_ accepting: Bool) {
        if accepting && stopped.load(ordering: .relaxed) { return }
        guard let channel = serverChannel.withLock({ $0 }) else { return }
        channel.setOption(ChannelOptions.autoRead, value: accepting).whenComplete { _ in
            if accepting { channel.read() }
        }
    }
}
