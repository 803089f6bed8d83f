import NIOConcurrencyHelpers

/// Holds the current snapshot; readers take a reference, a reload replaces it atomically.
public final class SnapshotStore: Sendable {
    private let box: NIOLockedValueBox<GatewaySnapshot>

    public init(_ snapshot: GatewaySnapshot) {
        self.box = NIOLockedValueBox(snapshot)
    }

    public var current: GatewaySnapshot {
        box.withLockedValue { $0 }
    }

    public func replace(with snapshot: GatewaySnapshot) {
        box.withLockedValue { $0 = snapshot }
    }
}
