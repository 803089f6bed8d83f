import Foundation

/// A Data slot written by a reader thread and read by the test once the thread finished.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ newValue: Data) {
        lock.withLock { data = newValue }
    }

    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}
