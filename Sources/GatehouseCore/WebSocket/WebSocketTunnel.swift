import Logging
import NIOCore
import NIOWebSocket

/// One WebSocket after the upstream's 101: the client's connection and the upstream's, each behind NIO's frame
/// decoder and encoder and a `WebSocketRelayHandler`, with frames relayed both ways until either side closes.
///
/// Frames are parsed on both legs, so Gatehouse can speak for itself at a frame boundary: a WebSocket silent for
/// `websocket_idle_timeout` in both directions, and every WebSocket still open when `drain_timeout` has passed, is
/// closed with a close frame (1001) to both sides. Client frames must be masked and upstream frames must not be
/// (RFC 6455 §5.1); either mistake, a control frame over 125 bytes or fragmented, or a frame over `max_body_bytes`
/// closes the tunnel (close code 1002 or 1009 to both sides). Reading one leg waits while the other cannot take
/// more (`mayRead`), so a slow reader holds back the sender rather than filling memory.
///
/// Confined to its event loop (the client's connection and its upstream connection share it): every method is called
/// there, except `goAway` from `WebSocketRegistry`, which hops onto it.
final class WebSocketTunnel: @unchecked Sendable {
    /// Who asked for the tunnel: for the gauge, the close record and drain.
    struct Owner: Sendable {
        let requestID: String
        let apiID: String
        let stage: String
    }

    let eventLoop: any EventLoop
    let owner: Owner
    private let clientChannel: Channel
    private let upstreamChannel: Channel
    private var clientLeg: WebSocketRelayHandler?
    private var upstreamLeg: WebSocketRelayHandler?
    private let connection: ConnectionState
    /// A reload revoked the client's certificate (see `WebSocketRegistry.closeRevoked`).
    var clientRevoked: Bool { connection.isRevoked }
    private let observer: GatewayObserver
    private let registry: WebSocketRegistry
    private let idleTimeout: TimeAmount
    /// How long the sides get to answer Gatehouse's own close frame before their connections are closed.
    static let closeGrace: TimeAmount = .seconds(2)

    private enum State {
        case open
        /// Gatehouse sent its close frames: only the sides' close frames are still read.
        case closingByGateway
        case finished
    }

    private var state = State.open
    /// The sides whose close frame was relayed: when both have, the closing handshake is complete.
    private var closeSent: [WebSocketSide] = []
    private var closedBy = "client"
    private var closeCode: UInt16?
    private let opened = NIODeadline.now()
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?
    private var framesFromClient = 0
    private var framesFromUpstream = 0

    init(
        owner: Owner, client: Channel, upstream: Channel, connection: ConnectionState, observer: GatewayObserver,
        registry: WebSocketRegistry, idleTimeout: TimeAmount
    ) {
        self.eventLoop = client.eventLoop
        self.owner = owner
        self.clientChannel = client
        self.upstreamChannel = upstream
        self.connection = connection
        self.observer = observer
        self.registry = registry
        self.idleTimeout = idleTimeout
    }

    /// The handlers of both legs: made here so they share this tunnel.
    func makeLegs() -> (client: WebSocketRelayHandler, upstream: WebSocketRelayHandler) {
        let client = WebSocketRelayHandler(side: .client, tunnel: self)
        let upstream = WebSocketRelayHandler(side: .upstream, tunnel: self)
        clientLeg = client
        upstreamLeg = upstream
        return (client, upstream)
    }

    /// Both legs are in their pipelines: the tunnel counts as open.
    func start() {
        registry.add(self)
        observer.metrics.websocketOpened(api: owner.apiID, stage: owner.stage)
        scheduleIdleCheck(in: idleTimeout)
        // Either connection may have closed while the legs were being put in place.
        if !clientChannel.isActive { legClosed(.client) } else if !upstreamChannel.isActive { legClosed(.upstream) }
    }

    // MARK: Events from the legs

    func received(_ frame: WebSocketFrame, from side: WebSocketSide) {
        switch state {
        case .finished:
            return
        case .closingByGateway:
            // Only the answer to Gatehouse's close frame matters now; that side's connection can end.
            if frame.opcode == .connectionClose { channel(side).close(promise: nil) }
            return
        case .open:
            break
        }
        lastActivity = .now()
        if connection.isRevoked {
            // A reload revoked the client's certificate: the WebSocket ends as a request would.
            goAway(.policyViolation, by: "gateway")
            return
        }
        let relayed: WebSocketFrame
        switch side {
        case .client:
            guard let key = frame.maskKey else {
                goAway(.protocolError, by: "gateway")
                return
            }
            framesFromClient += 1
            // NIO's encoder masks what it writes with the frame's key: hand it the unmasked data and the same key,
            // and the upstream receives the bytes the client sent.
            relayed = WebSocketFrame(
                fin: frame.fin, rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3, opcode: frame.opcode,
                maskKey: key, data: frame.unmaskedData)
        case .upstream:
            guard frame.maskKey == nil else {
                goAway(.protocolError, by: "gateway")
                return
            }
            framesFromUpstream += 1
            relayed = frame
        }
        guard frame.opcode == .connectionClose else {
            leg(side.peer)?.write(relayed)
            return
        }
        if closeSent.isEmpty {
            closedBy = side.name
            var data = frame.unmaskedData
            closeCode = data.readInteger(as: UInt16.self)
        }
        if !closeSent.contains(side) { closeSent.append(side) }
        guard closeSent.count == 2 else {
            leg(side.peer)?.write(relayed)
            return
        }
        // The closing handshake is complete: the reply reaches its side, then both connections end.
        let written = eventLoop.makePromise(of: Void.self)
        leg(side.peer)?.write(relayed, promise: written)
        leg(side.peer)?.flush()
        written.futureResult.assumeIsolated().whenComplete { _ in self.closeBoth() }
    }

    func readComplete(from side: WebSocketSide) {
        leg(side.peer)?.flush()
    }

    /// Whether `side` may read: only while the other leg's connection takes writes.
    func mayRead(_ side: WebSocketSide) -> Bool {
        channel(side.peer).isWritable || state != .open
    }

    func becameWritable(_ side: WebSocketSide) {
        leg(side.peer)?.resumeReading()
    }

    /// One connection ended: the other follows (its pending writes are flushed first).
    func legClosed(_ side: WebSocketSide) {
        guard state != .finished else { return }
        if closeSent.isEmpty, state == .open { closedBy = side.name }
        let other = channel(side.peer)
        if other.isActive {
            leg(side.peer)?.flush()
            other.close(promise: nil)
            return
        }
        finish()
    }

    /// A leg's decoder refused what it read (a frame over the limit, a malformed control frame) or its connection
    /// failed.
    func legFailed(_ side: WebSocketSide, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            goAway(.messageTooLarge, by: "gateway")
        case is NIOWebSocketError:
            goAway(.protocolError, by: "gateway")
        default:
            channel(side).close(promise: nil)
        }
    }

    // MARK: Gatehouse closing

    /// Sends a close frame with `code` to both sides, then closes both connections when each answered or after
    /// `closeGrace`.
    func goAway(_ code: WebSocketErrorCode, by who: String) {
        eventLoop.preconditionInEventLoop()
        guard state == .open else { return }
        state = .closingByGateway
        closedBy = who
        var codeBuffer = clientChannel.allocator.buffer(capacity: 2)
        codeBuffer.write(webSocketErrorCode: code)
        closeCode = codeBuffer.getInteger(at: codeBuffer.readerIndex, as: UInt16.self)
        if !closeSent.contains(.upstream) {
            clientLeg?.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: codeBuffer))
            clientLeg?.flush()
        }
        if !closeSent.contains(.client) {
            upstreamLeg?.write(
                WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: codeBuffer))
            upstreamLeg?.flush()
        }
        timer?.cancel()
        timer = eventLoop.assumeIsolated().scheduleTask(in: Self.closeGrace) { self.closeBoth() }
    }

    private func closeBoth() {
        for channel in [clientChannel, upstreamChannel] where channel.isActive { channel.close(promise: nil) }
    }

    private func scheduleIdleCheck(in delay: TimeAmount) {
        timer = eventLoop.assumeIsolated().scheduleTask(in: delay) { self.idleCheck() }
    }

    private func idleCheck() {
        guard state == .open else { return }
        let silent = NIODeadline.now() - lastActivity
        if silent >= idleTimeout {
            goAway(.goingAway, by: "idle_timeout")
        } else {
            scheduleIdleCheck(in: idleTimeout - silent)
        }
    }

    /// Both connections are closed: the gauge goes down and the tunnel's end is logged.
    private func finish() {
        guard state != .finished else { return }
        state = .finished
        timer?.cancel()
        timer = nil
        clientLeg = nil
        upstreamLeg = nil
        registry.remove(self)
        observer.metrics.websocketClosed(api: owner.apiID, stage: owner.stage)
        let duration = Double((NIODeadline.now() - opened).nanoseconds) / 1_000_000
        observer.logger.info(
            "websocket \(owner.requestID) closed by \(closedBy)",
            metadata: [
                "GATEHOUSE_EVENT": "websocket_closed", "REQUEST_ID": .string(owner.requestID),
                "API_ID": .string(owner.apiID), "STAGE": .string(owner.stage), "CLOSED_BY": .string(closedBy),
                "CLOSE_CODE": .string(closeCode.map(String.init) ?? ""),
                "DURATION_MS": .string(String(format: "%.1f", duration)),
                "FRAMES_FROM_CLIENT": .string(String(framesFromClient)),
                "FRAMES_FROM_UPSTREAM": .string(String(framesFromUpstream)),
            ])
    }

    private func channel(_ side: WebSocketSide) -> Channel {
        side == .client ? clientChannel : upstreamChannel
    }

    private func leg(_ side: WebSocketSide) -> WebSocketRelayHandler? {
        side == .client ? clientLeg : upstreamLeg
    }
}
