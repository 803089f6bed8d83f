import NIOCore
import NIOHTTP1

/// Opens its share of the `--hold` connections one after another — each through a completed TLS handshake and,
/// unless disabled, one request and its response — then keeps them idle so the server's memory per connection can
/// be measured. Confined to its event loop.
final class HoldWorker {
    private let eventLoop: any EventLoop
    private let settings: WorkerSettings
    private let stats: LoopStats
    private let sendRequest: Bool
    private var remaining: Int

    private var held: [any Channel] = []
    private var opening: (channel: any Channel, handler: ResponseHandler)?
    private var attemptStart = NIODeadline.now()
    private var attemptTimeout: Scheduled<Void>?
    private var done: EventLoopPromise<Void>?

    init(eventLoop: any EventLoop, settings: WorkerSettings, stats: LoopStats, count: Int, sendRequest: Bool) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.stats = stats
        self.remaining = count
        self.sendRequest = sendRequest
    }

    /// Opens the connections; completes when every one has been attempted.
    func open() -> EventLoopFuture<Void> {
        eventLoop.assertInEventLoop()
        let promise = eventLoop.makePromise(of: Void.self)
        done = promise
        openNext()
        return promise.futureResult
    }

    /// How many held connections the server has not closed.
    func openCount() -> Int {
        held.filter(\.isActive).count
    }

    /// Closes every held connection (TLS close_notify first).
    func closeAll() -> EventLoopFuture<Void> {
        let closes = held.map { channel in
            channel.close().recover { _ in }
        }
        held = []
        return EventLoopFuture.andAllComplete(closes, on: eventLoop)
    }

    private func openNext() {
        guard remaining > 0 else {
            let done = self.done
            self.done = nil
            done?.succeed()
            return
        }
        remaining -= 1
        attemptStart = .now()
        attemptTimeout = eventLoop.assumeIsolated().scheduleTask(in: settings.requestTimeout) { [self] in
            attemptTimeout = nil
            // A server at its connection limit leaves the rest waiting in its backlog: stop rather than wait for
            // every one of them in turn.
            stats.snapshot.recordError(.timeout, "connection not established within \(settings.requestTimeout)")
            remaining = 0
            fail(nil, "")
        }
        settings.connector.connect(on: eventLoop).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .failure(let error):
                guard attemptTimeout != nil else { return }  // already counted as a timeout
                fail(.connect, "\(error)")
            case .success(let channel):
                guard attemptTimeout != nil else {
                    channel.close(promise: nil)
                    return
                }
                let handler = ResponseHandler(delegate: self, plaintext: settings.plaintext)
                do {
                    try channel.pipeline.syncOperations.addHandler(handler)
                } catch {
                    channel.close(promise: nil)
                    fail(.connect, "\(error)")
                    return
                }
                opening = (channel, handler)
                if settings.plaintext {
                    established()
                }
            }
        }
    }

    /// The handshake is complete: send the one request, or hold the connection right away.
    private func established() {
        guard let opening else { return }
        if sendRequest {
            opening.channel.write(HTTPClientRequestPart.head(settings.template.nextHead()), promise: nil)
            if let body = settings.template.body {
                opening.channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            }
            opening.channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        } else {
            hold()
        }
    }

    private func hold() {
        guard let opening else { return }
        attemptTimeout?.cancel()
        attemptTimeout = nil
        stats.snapshot.connectionsOpened += 1
        stats.snapshot.recordLatency(nanoseconds: (NIODeadline.now() - attemptStart).nanoseconds)
        held.append(opening.channel)
        self.opening = nil
        openNext()
    }

    /// Abandons the connection being opened, counts the failure (when `kind` is given) and goes on.
    private func fail(_ kind: ErrorKind?, _ message: String) {
        attemptTimeout?.cancel()
        attemptTimeout = nil
        if let opening {
            opening.handler.detach()
            opening.channel.close(promise: nil)
            self.opening = nil
        }
        if let kind {
            stats.snapshot.recordError(kind, message)
        }
        openNext()
    }

    private func isOpening(_ connection: ObjectIdentifier) -> Bool {
        opening.map { ObjectIdentifier($0.handler) == connection } ?? false
    }
}

extension HoldWorker: ConnectionDelegate {
    func connectionCompletedHandshake(_ connection: ObjectIdentifier) {
        guard isOpening(connection) else { return }
        established()
    }

    func connection(
        _ connection: ObjectIdentifier,
        receivedStatus status: HTTPResponseStatus,
        keepAlive: Bool,
        bodySample: String?
    ) {
        guard isOpening(connection) else { return }
        stats.snapshot.recordResponse(status: status.code, bodySample: bodySample)
        if keepAlive {
            hold()
        } else {
            fail(.reset, "the server did not keep the connection open after the first response")
        }
    }

    func connection(_ connection: ObjectIdentifier, failedWith error: (any Error)?, handshakeCompleted: Bool) {
        // A held connection that closes is found by `openCount()`; only the one being opened is a failure here.
        guard isOpening(connection) else { return }
        let kind =
            error.map { ErrorKind.classify($0, handshakeCompleted: handshakeCompleted) }
            ?? (handshakeCompleted ? .reset : .tls)
        opening = nil
        fail(kind, error.map { "\($0)" } ?? "connection closed by the server")
    }
}

@available(*, unavailable)
extension HoldWorker: Sendable {}
