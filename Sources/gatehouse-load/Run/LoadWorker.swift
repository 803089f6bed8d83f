import NIOCore
import NIOHTTP1

/// One closed-loop client: sends a request, waits for the complete response, records it, sends the next — on one
/// connection it keeps (keep-alive) or on a new connection each time (new-connection mode, which measures full
/// mutual-TLS handshakes). Confined to its event loop.
final class LoadWorker {
    private let eventLoop: any EventLoop
    private let settings: WorkerSettings
    private let stats: LoopStats

    private var channel: (any Channel)?
    private var handler: (any LoadConnectionHandler)?
    /// When the request in flight started (for a request on a new connection: when its connect started).
    private var requestStart: NIODeadline?
    private var deadline = NIODeadline.distantFuture
    private var running = false
    private var finished: EventLoopPromise<Void>?
    private var timeoutCheck: Scheduled<Void>?
    private var consecutiveConnectFailures = 0
    /// Called once the first connection's handshake completes (or it fails), during `prepare`.
    private var readyCallback: ((String?) -> Void)?

    init(eventLoop: any EventLoop, settings: WorkerSettings, stats: LoopStats) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.stats = stats
    }

    /// Opens the keep-alive connection (TCP and TLS handshake) before the clock starts, so setup cost is not
    /// counted as request latency. Succeeds with nil when ready, or with why the connection failed.
    func prepare() -> EventLoopFuture<String?> {
        eventLoop.assertInEventLoop()
        guard settings.keepAlive else { return eventLoop.makeSucceededFuture(nil) }
        let promise = eventLoop.makePromise(of: String?.self)
        readyCallback = { promise.succeed($0) }
        eventLoop.assumeIsolated().scheduleTask(in: settings.requestTimeout) { [self] in
            guard readyCallback != nil else { return }
            let message = "connection not established within \(settings.requestTimeout)"
            stats.snapshot.recordError(.timeout, message)
            dropConnection()
            finishPreparing(with: message)
        }
        openConnection { [self] error in
            if let error {
                stats.snapshot.recordError(.connect, "\(error)")
                finishPreparing(with: "connect failed: \(error)")
            } else if settings.plaintext {
                finishPreparing(with: nil)
            }
            // For TLS, the handshake callbacks finish preparing.
        }
        return promise.futureResult
    }

    /// Runs the closed loop until `deadline` or until the shared budget is spent; the future completes after the
    /// last response and after the connection is closed.
    func run(until deadline: NIODeadline) -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        finished = promise
        self.deadline = deadline
        running = true
        scheduleTimeoutCheck()
        issueNext()
        return promise.futureResult
    }

    private func finishPreparing(with error: String?) {
        let callback = readyCallback
        readyCallback = nil
        callback?(error)
    }

    private func issueNext() {
        guard running else { return }
        guard NIODeadline.now() < deadline, settings.budget?.take() ?? true else {
            finish()
            return
        }
        if let channel {
            requestStart = .now()
            send(on: channel)
            return
        }
        requestStart = .now()
        openConnection { [self] error in
            guard running else { return }
            if let error {
                requestStart = nil
                stats.snapshot.recordError(.connect, "\(error)")
                consecutiveConnectFailures += 1
                // Back off a little so a dead target does not turn the run into a busy loop.
                let delay = TimeAmount.milliseconds(Int64(min(consecutiveConnectFailures, 20)) * 5)
                eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in issueNext() }
                return
            }
            consecutiveConnectFailures = 0
            if let channel {
                send(on: channel)
            }
        }
    }

    /// Connects and installs the response handler; `completion` gets the connect error, if any.
    private func openConnection(_ completion: @escaping ((any Error)?) -> Void) {
        settings.connector.connect(on: eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .failure(let error):
                completion(error)
            case .success(let channel):
                let handler: any LoadConnectionHandler & ChannelHandler =
                    settings.connector.http2
                    ? HTTP2ConnectionWatcher(delegate: self)
                    : ResponseHandler(delegate: self, plaintext: settings.plaintext)
                do {
                    try channel.pipeline.syncOperations.addHandler(handler)
                } catch {
                    channel.close(promise: nil)
                    completion(error)
                    return
                }
                if settings.plaintext {
                    stats.snapshot.connectionsOpened += 1
                }
                self.channel = channel
                self.handler = handler
                completion(nil)
            }
        }
    }

    private func send(on channel: any Channel) {
        if let watcher = handler as? HTTP2ConnectionWatcher {
            watcher.send(
                head: settings.template.nextHead(), body: settings.template.body.map { $0 }, on: channel)
            return
        }
        channel.write(HTTPClientRequestPart.head(settings.template.nextHead()), promise: nil)
        if let body = settings.template.body {
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
        }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
    }

    /// One timer per worker, checked a few times per timeout period: cheaper than a timer per request.
    private func scheduleTimeoutCheck() {
        let interval = TimeAmount.nanoseconds(max(settings.requestTimeout.nanoseconds / 4, 50_000_000))
        timeoutCheck = eventLoop.assumeIsolated().scheduleTask(in: interval) { [self] in
            guard running else { return }
            checkTimeout()
            scheduleTimeoutCheck()
        }
    }

    private func checkTimeout() {
        guard running, let requestStart, NIODeadline.now() - requestStart >= settings.requestTimeout else { return }
        self.requestStart = nil
        stats.snapshot.recordError(.timeout, "no complete response within \(settings.requestTimeout)")
        dropConnection()
        issueNext()
    }

    /// Closes the current connection without reporting its close as a failure.
    private func dropConnection() {
        handler?.detach()
        channel?.close(promise: nil)
        handler = nil
        channel = nil
    }

    private func finish() {
        running = false
        timeoutCheck?.cancel()
        timeoutCheck = nil
        dropConnection()
        let finished = self.finished
        self.finished = nil
        finished?.succeed()
    }

    private func isCurrent(_ connection: ObjectIdentifier) -> Bool {
        handler.map { ObjectIdentifier($0) == connection } ?? false
    }
}

extension LoadWorker: ConnectionDelegate {
    func connectionCompletedHandshake(_ connection: ObjectIdentifier) {
        guard isCurrent(connection) else { return }
        stats.snapshot.connectionsOpened += 1
        finishPreparing(with: nil)
    }

    func connection(
        _ connection: ObjectIdentifier,
        receivedStatus status: HTTPResponseStatus,
        keepAlive: Bool,
        bodySample: String?
    ) {
        guard isCurrent(connection), let requestStart else { return }
        self.requestStart = nil
        stats.snapshot.recordLatency(nanoseconds: (NIODeadline.now() - requestStart).nanoseconds)
        stats.snapshot.recordResponse(status: status.code, bodySample: bodySample)
        if !settings.keepAlive || !keepAlive {
            dropConnection()
        }
        issueNext()
    }

    func connection(_ connection: ObjectIdentifier, failedWith error: (any Error)?, handshakeCompleted: Bool) {
        guard isCurrent(connection) else { return }
        handler = nil
        channel = nil
        let kind =
            error.map { ErrorKind.classify($0, handshakeCompleted: handshakeCompleted) }
            ?? (handshakeCompleted ? .reset : .tls)
        let message = error.map { "\($0)" } ?? "connection closed by the server"
        if readyCallback != nil {
            stats.snapshot.recordError(kind, message)
            finishPreparing(with: message)
            return
        }
        guard requestStart != nil else {
            // An idle connection closed between requests is not a failed request; the next one reconnects.
            return
        }
        requestStart = nil
        stats.snapshot.recordError(kind, message)
        issueNext()
    }
}

@available(*, unavailable)
extension LoadWorker: Sendable {}
