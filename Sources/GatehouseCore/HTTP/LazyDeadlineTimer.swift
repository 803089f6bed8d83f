import NIOCore

/// A deadline on one event loop that moves often and cheaply: moving it only records the new time, and the one
/// scheduled task, when it fires, either calls `onExpiry` or schedules itself again for the deadline then in force.
///
/// A keep-alive request moves its connection's deadline three times and its upstream call's deadline up to once per
/// response chunk; scheduling and cancelling a task each time cost more than the request's routing. Confined to
/// `eventLoop`.
final class LazyDeadlineTimer {
    private let eventLoop: any EventLoop
    private let onExpiry: () -> Void
    /// When `onExpiry` runs unless the deadline moves; nil while none is set.
    private(set) var deadline: NIODeadline?
    /// The pending task and when it fires; it never fires later than `deadline`.
    private var pending: (task: Scheduled<Void>, firesAt: NIODeadline)?

    init(eventLoop: any EventLoop, onExpiry: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.onExpiry = onExpiry
    }

    /// Sets the deadline `amount` from now.
    func set(in amount: TimeAmount) {
        let newDeadline = NIODeadline.now() + amount
        deadline = newDeadline
        if let pending, pending.firesAt <= newDeadline { return }
        schedule(at: newDeadline)
    }

    /// No deadline until the next `set`; the pending task, if any, lapses when it fires.
    func clear() {
        deadline = nil
    }

    /// No deadline, and the pending task is cancelled (the owner is done with the timer).
    func cancel() {
        deadline = nil
        pending?.task.cancel()
        pending = nil
    }

    private func schedule(at time: NIODeadline) {
        pending?.task.cancel()
        let task = eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: time) { [self] in
            fired()
        }
        pending = (task, time)
    }

    private func fired() {
        pending = nil
        guard let deadline else { return }
        if deadline <= .now() {
            self.deadline = nil
            onExpiry()
        } else {
            schedule(at: deadline)
        }
    }
}
