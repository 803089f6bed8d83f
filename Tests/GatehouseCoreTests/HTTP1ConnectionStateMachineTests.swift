import NIOCore
import Testing

@testable import GatehouseCore

/// The connection state machine driven by event sequences, without a channel: each test is one behaviour of a client
/// connection, asserted as the exact actions the handler is told to perform.
@Suite struct HTTP1ConnectionStateMachineTests {
    struct Head: HTTP1RequestHeadFacts, Equatable {
        var name = "GET"
        var isHTTP10 = false
        var wantsKeepAlive = true
        var expectsContinue = false
        var framing: Result<RequestBodyFraming, RequestParseError> = .success(.none)
    }

    typealias Machine = HTTP1ConnectionStateMachine<Head>
    typealias Action = Machine.Action

    static let get = Head()
    static let put = Head(name: "PUT", framing: .success(.length(5)))
    static let bytes = ByteBuffer(string: "hello")

    /// A machine past its connection start, with the header timer armed.
    private func started() -> Machine {
        var machine = Machine()
        machine.connectionStarted()
        machine.expectActions([.armTimer(.header)])
        return machine
    }

    /// Drives one bodiless request up to its integration.
    private func integrating(_ machine: inout Machine, _ head: Head = get) {
        machine.received(.head(head))
        machine.received(.end)
        machine.expectActions([.clearTimer, .startRequest(head)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.finishRequest])
        machine.bodyPhaseAdmitted()
        machine.expectActions([.startIntegration])
    }

    // MARK: Keep-alive

    @Test func keepAliveRequestLeavesTheConnectionIdleThenWaitsForTheNextHead() {
        var machine = started()
        machine.bytesReceived()
        machine.expectActions([])
        integrating(&machine)
        machine.expectHead(keepAlive: true, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .armTimer(.idle)])
        // The next request's first byte starts `header_timeout` again.
        machine.bytesReceived()
        machine.expectActions([.armTimer(.header)])
        integrating(&machine)
    }

    @Test func requestAskingToCloseClosesAfterItsAnswer() {
        var machine = started()
        let head = Head(wantsKeepAlive: false)
        integrating(&machine, head)
        machine.expectHead(keepAlive: false, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .close])
        #expect(machine.dropsInput)
    }

    @Test func http10KeepAliveIsKeptOnlyWithALengthFramedAnswer() {
        var machine = started()
        let head = Head(isHTTP10: true, wantsKeepAlive: true)
        integrating(&machine, head)
        machine.expectHead(keepAlive: true, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .armTimer(.idle)])
        integrating(&machine, head)
        // A body framed by the connection's end (no length) ends the connection.
        machine.expectHead(keepAlive: false, untilClose: true)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .close])
    }

    // MARK: Bodies

    @Test func bodyIsReceivedWithBodyTimeoutRunningBetweenReads() {
        var machine = started()
        machine.received(.head(Self.put))
        machine.expectActions([.clearTimer, .startRequest(Self.put)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.armTimer(.body)])
        machine.bytesReceived()
        machine.received(.body(Self.bytes))
        machine.received(.end)
        machine.expectActions([.armTimer(.body), .receiveBody(Self.bytes), .clearTimer, .finishRequest])
    }

    @Test func continueIsSentToHTTP11AndNotToHTTP10() {
        var machine = started()
        let head11 = Head(expectsContinue: true, framing: .success(.length(5)))
        machine.received(.head(head11))
        machine.expectActions([.clearTimer, .startRequest(head11)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.armTimer(.body), .sendContinue])

        var old = started()
        let head10 = Head(isHTTP10: true, expectsContinue: true, framing: .success(.length(5)))
        old.received(.head(head10))
        old.expectActions([.clearTimer, .startRequest(head10)])
        old.headAdmitted(maxBodyBytes: 10, draining: false)
        old.expectActions([.armTimer(.body)])
    }

    @Test func refusedHeadGetsNoContinue() {
        var machine = started()
        let head = Head(expectsContinue: true, framing: .success(.length(5)))
        machine.received(.head(head))
        _ = machine.drain()
        machine.headRefused(.notFound, draining: false)
        machine.expectActions([.armTimer(.body), .writeError(.notFound, keepAlive: true)])
    }

    // MARK: Early answers

    @Test func refusedHeadIsAnsweredAndItsBodyDroppedThenTheConnectionIsKept() {
        var machine = started()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headRefused(.notFound, draining: false)
        machine.expectActions([.armTimer(.body), .writeError(.notFound, keepAlive: true)])
        machine.received(.body(Self.bytes))
        machine.expectActions([])
        machine.received(.end)
        machine.expectActions([.clearTimer, .emitAccessRecord, .armTimer(.idle)])
    }

    @Test func framingRefusalIs413WithLingeringClose() {
        var machine = started()
        let head = Head(framing: .failure(.bodyTooLarge))
        machine.received(.head(head))
        machine.expectActions([.clearTimer, .startRequest(head)])
        machine.headRefused(GatewayError(RequestParseError.bodyTooLarge), draining: false)
        machine.expectActions([.writeError(.requestTooLong, keepAlive: false), .emitAccessRecord, .linger])
        #expect(machine.dropsInput)
        // What the client still sends is dropped; the linger timer closes.
        machine.received(.body(Self.bytes))
        machine.bytesReceived()
        machine.expectActions([])
        machine.expectRead(allowed: true)
        machine.timerFired()
        machine.expectActions([.close])
    }

    @Test func bodyPastTheLimitIs413WithLingeringClose() {
        var machine = started()
        let head = Head(framing: .success(.chunked))
        machine.received(.head(head))
        _ = machine.drain()
        machine.headAdmitted(maxBodyBytes: 4, draining: false)
        machine.received(.body(Self.bytes))
        #expect(
            machine.drain() == [
                .armTimer(.body), .writeError(.requestTooLong, keepAlive: false), .emitAccessRecord, .linger,
            ])
    }

    @Test func malformedStreamIs400AndHeadTooLargeIs431WithLingeringClose() {
        var machine = started()
        machine.received(.failed(.malformed("Bad request line")))
        #expect(
            machine.drain() == [
                .writeError(.badRequest("Bad request line"), keepAlive: false), .emitAccessRecord, .linger,
            ])
        var large = started()
        large.received(.failed(.headTooLarge))
        large.expectActions([.writeError(.headersTooLarge, keepAlive: false), .emitAccessRecord, .linger])
    }

    @Test func malformedBodyOfAnAdmittedRequestIsAnswered400() {
        var machine = started()
        let head = Head(framing: .success(.chunked))
        machine.received(.head(head))
        _ = machine.drain()
        machine.headAdmitted(maxBodyBytes: 100, draining: false)
        machine.received(.body(Self.bytes))
        machine.received(.failed(.malformed("Invalid chunk size")))
        #expect(
            machine.drain() == [
                .armTimer(.body), .receiveBody(Self.bytes),
                .writeError(.badRequest("Invalid chunk size"), keepAlive: false), .emitAccessRecord, .linger,
            ])
    }

    @Test func malformedBodyAfterAnEarlyAnswerClosesWithoutASecondAnswer() {
        var machine = started()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headRefused(.missingAuthenticationToken, draining: false)
        _ = machine.drain()
        machine.received(.failed(.malformed("Invalid chunk size")))
        machine.expectActions([.emitAccessRecord, .close])
    }

    // MARK: Pipelining

    @Test func pipelinedRequestWaitsWithReadingPausedUntilTheFirstIsAnswered() {
        var machine = started()
        let second = Head(name: "second")
        machine.received(.head(Self.get))
        machine.received(.end)
        machine.received(.head(second))
        machine.received(.end)
        machine.expectActions([.clearTimer, .startRequest(Self.get)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.finishRequest])
        machine.bodyPhaseAdmitted()
        machine.expectActions([.startIntegration])
        // The second request waits: reading pauses.
        machine.expectRead(allowed: false)
        machine.expectHead(keepAlive: true, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .armTimer(.idle), .clearTimer, .startRequest(second)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.finishRequest])
        machine.bodyPhaseRefused(.notFound)
        // Answered: the paused read is done now.
        #expect(
            machine.drain() == [.writeError(.notFound, keepAlive: true), .emitAccessRecord, .armTimer(.idle), .read])
    }

    @Test func readingGoesOnWhileAnAnswerIsProducedWithNothingQueued() {
        var machine = started()
        integrating(&machine)
        machine.expectRead(allowed: true)
    }

    @Test func pipelinedMalformedStreamIsAnsweredAfterTheRequestBeforeIt() {
        var machine = started()
        machine.received(.head(Self.get))
        machine.received(.end)
        machine.received(.failed(.malformed("Bad request line")))
        machine.expectActions([.clearTimer, .startRequest(Self.get)])
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.finishRequest])
        machine.bodyPhaseAdmitted()
        machine.expectActions([.startIntegration])
        _ = machine.responseHeadSent(untilClose: false)
        machine.responseEnded()
        #expect(
            machine.drain() == [
                .emitAccessRecord, .armTimer(.idle), .writeError(.badRequest("Bad request line"), keepAlive: false),
                .emitAccessRecord, .linger,
            ])
    }

    // MARK: Drain

    @Test func drainClosesAnIdleConnectionAtOnce() {
        var machine = started()
        integrating(&machine)
        _ = machine.responseHeadSent(untilClose: false)
        machine.responseEnded()
        _ = machine.drain()
        machine.quiesce()
        machine.expectActions([.close])
    }

    @Test func drainLeavesAConnectionWithoutARequestYetToBeAnsweredWithClose() {
        var machine = started()
        machine.quiesce()
        machine.expectActions([])
        machine.received(.head(Self.get))
        machine.received(.end)
        _ = machine.drain()
        machine.headAdmitted(maxBodyBytes: 10, draining: true)
        machine.expectActions([.finishRequest])
        machine.bodyPhaseAdmitted()
        machine.expectActions([.startIntegration])
        machine.expectHead(keepAlive: false, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .close])
    }

    @Test func drainWhileReceivingClosesAfterTheAnswer() {
        var machine = started()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.quiesce()
        machine.received(.body(Self.bytes))
        machine.received(.end)
        _ = machine.drain()
        machine.bodyPhaseRefused(.accessDenied("no"))
        machine.expectActions([.writeError(.accessDenied("no"), keepAlive: false), .emitAccessRecord, .close])
    }

    @Test func drainWhileRespondingClosesAfterTheAnswer() {
        var machine = started()
        integrating(&machine)
        machine.quiesce()
        machine.expectActions([])
        machine.expectHead(keepAlive: false, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .close])
    }

    // MARK: Revocation

    @Test func revokedConnectionClosesAfterItsCurrentAnswer() {
        var machine = started()
        integrating(&machine)
        machine.connectionRevoked()
        machine.expectHead(keepAlive: false, untilClose: false)
        machine.responseEnded()
        machine.expectActions([.emitAccessRecord, .close])
    }

    @Test func revokedConnectionsEarlyAnswerSaysCloseAndClosesAfterTheBody() {
        var machine = started()
        machine.connectionRevoked()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headRefused(.notFound, draining: false)
        machine.received(.body(Self.bytes))
        machine.received(.end)
        #expect(
            machine.drain() == [
                .armTimer(.body), .writeError(.notFound, keepAlive: false), .clearTimer, .emitAccessRecord, .close,
            ])
    }

    // MARK: Timers

    @Test func bodyTimeoutIs408WhenNothingWasAnswered() {
        var machine = started()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headAdmitted(maxBodyBytes: 10, draining: false)
        machine.expectActions([.armTimer(.body)])
        machine.timerFired()
        machine.expectActions([.writeError(.requestTimeout, keepAlive: false), .emitAccessRecord, .close])
    }

    @Test func bodyTimeoutAfterAnEarlyAnswerOnlyCloses() {
        var machine = started()
        machine.received(.head(Self.put))
        _ = machine.drain()
        machine.headRefused(.notFound, draining: false)
        _ = machine.drain()
        machine.timerFired()
        machine.expectActions([.emitAccessRecord, .close])
    }

    @Test func headerAndIdleTimeoutsClose() {
        var machine = started()
        machine.timerFired()
        machine.expectActions([.close])

        var idle = started()
        integrating(&idle)
        _ = idle.responseHeadSent(untilClose: false)
        idle.responseEnded()
        idle.expectActions([.emitAccessRecord, .armTimer(.idle)])
        idle.timerFired()
        idle.expectActions([.close])
    }

    // MARK: Integration

    @Test func upstreamFailureBeforeItsHeadIs502AndKeepsTheConnection() {
        var machine = started()
        integrating(&machine)
        machine.integrationFailed(.badGateway)
        machine.expectActions([.writeError(.badGateway, keepAlive: true), .emitAccessRecord, .armTimer(.idle)])
    }

    @Test func upstreamFailureAfterItsHeadCutsTheResponseOff() {
        var machine = started()
        integrating(&machine)
        _ = machine.responseHeadSent(untilClose: false)
        machine.integrationFailed(.badGateway)
        machine.expectActions([.emitAccessRecord, .close])
    }

    @Test func integrationTimeoutIsReportedToTheLegThen504() {
        var machine = started()
        integrating(&machine)
        #expect(machine.armedTimer == .integration)
        machine.timerFired()
        machine.expectActions([.integrationTimedOut])
        machine.integrationFailed(.integrationTimeout)
        #expect(
            machine.drain() == [.writeError(.integrationTimeout, keepAlive: true), .emitAccessRecord, .armTimer(.idle)])
    }

    @Test func writabilityAndGoingAwayReachTheUpstreamLeg() {
        var machine = started()
        integrating(&machine)
        machine.channelWritable()
        machine.expectActions([.resumeIntegration])
        machine.channelInactive()
        machine.expectActions([.abandonIntegration])
        machine.channelInactive()
        machine.expectActions([])
    }
}

extension HTTP1ConnectionStateMachine {
    /// Every action the machine has for the handler now.
    mutating func drain() -> [Action] {
        var actions: [Action] = []
        while let action = nextAction() { actions.append(action) }
        return actions
    }
}

extension HTTP1ConnectionStateMachine where Head: Equatable {
    /// Expects exactly `expected` as the actions the machine has now.
    mutating func expectActions(_ expected: [Action], sourceLocation: SourceLocation = #_sourceLocation) {
        let actions = drain()
        #expect(actions == expected, sourceLocation: sourceLocation)
    }

    /// Reports a response head and expects the keep-alive it announces.
    mutating func expectHead(keepAlive: Bool, untilClose: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let announced = responseHeadSent(untilClose: untilClose)
        #expect(announced == keepAlive, sourceLocation: sourceLocation)
    }

    /// Asks to read and expects whether the machine lets the channel read.
    mutating func expectRead(allowed: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let read = readRequested()
        #expect(read == allowed, sourceLocation: sourceLocation)
    }
}
