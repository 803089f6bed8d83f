import Testing

@testable import GatehouseCore

/// The accounting of buffered HTTP/2 request bodies per connection: streams stop reading once the connection holds its
/// limit, the oldest stream still receiving always reads (no two streams wait on each other), and released bytes
/// let the paused streams read again in the order they stopped.
@Suite struct HTTP2BodyBudgetTests {
    @Test func streamsReadUntilTheConnectionHoldsTheLimit() {
        var budget = HTTP2BodyBudget(limit: 100)
        budget.open(1)
        budget.open(2)
        let step1 = budget.charge(60, to: 1)
        #expect(step1)
        let step2 = budget.charge(39, to: 2)
        #expect(step2)
        #expect(budget.used == 99)
        // the byte that reaches the limit is held; the stream that is not the oldest stops
        let step3 = budget.charge(1, to: 2)
        #expect(!step3)
        #expect(budget.paused == [2])
        #expect(!budget.mayRead(2))
    }

    @Test func theOldestStreamStillReceivingAlwaysReads() {
        var budget = HTTP2BodyBudget(limit: 100)
        budget.open(1)
        budget.open(2)
        let step4 = budget.charge(90, to: 2)
        #expect(step4)
        let step5 = budget.charge(20, to: 2)
        #expect(!step5)
        // stream 1 is the oldest: it reads past the limit, or neither 1 nor 2 could ever finish
        let step6 = budget.charge(50, to: 1)
        #expect(step6)
        #expect(budget.used == 160)
        #expect(budget.paused == [2])
        // once it has its whole body, the next oldest takes the turn
        let step7 = budget.finishReceiving(1)
        #expect(step7 == [2])
        #expect(budget.paused.isEmpty)
        #expect(budget.mayRead(2))
        #expect(budget.used == 160)  // stream 1 still holds its body until its exchange ends
    }

    @Test func releasedBytesResumePausedStreamsInTheOrderTheyStopped() {
        var budget = HTTP2BodyBudget(limit: 100)
        for stream in 1...4 { budget.open(stream) }
        let step8 = budget.charge(100, to: 1)
        #expect(step8)
        let step9 = budget.charge(10, to: 3)
        #expect(!step9)
        let step10 = budget.charge(10, to: 2)
        #expect(!step10)
        #expect(budget.paused == [3, 2])
        #expect(budget.used == 120)
        // stream 4 ends without holding anything: nothing frees up
        let step11 = budget.release(4)
        #expect(step11.isEmpty)
        // stream 1 answered: 100 bytes free, both paused streams read again
        let step12 = budget.release(1)
        #expect(step12 == [3, 2])
        #expect(budget.used == 20)
        #expect(budget.paused.isEmpty)
    }

    @Test func releaseOfAPausedStreamForgetsItAndIsIdempotent() {
        var budget = HTTP2BodyBudget(limit: 10)
        budget.open(1)
        budget.open(2)
        let step13 = budget.charge(10, to: 1)
        #expect(step13)
        let step14 = budget.charge(5, to: 2)
        #expect(!step14)
        // stream 2 timed out (408) while it waited: its bytes go, it is no longer paused
        let step15 = budget.release(2)
        #expect(step15.isEmpty)
        #expect(budget.paused.isEmpty)
        #expect(budget.used == 10)
        let step16 = budget.release(2)
        #expect(step16.isEmpty)
        let step17 = budget.release(1)
        #expect(step17.isEmpty)
        #expect(budget.used == 0)
        #expect(budget == HTTP2BodyBudget(limit: 10))
    }

    @Test func aZeroLimitTakesBodiesOneStreamAtATime() {
        var budget = HTTP2BodyBudget(limit: 0)
        budget.open(1)
        budget.open(2)
        let step18 = budget.charge(5, to: 1)
        #expect(step18)
        let step19 = budget.charge(5, to: 2)
        #expect(!step19)
        let step20 = budget.finishReceiving(1)
        #expect(step20 == [2])
        let step21 = budget.charge(5, to: 2)
        #expect(step21)
    }

    @Test func theLedgerTellsPausedStreamsToResume() {
        let ledger = HTTP2BodyBudgetLedger(limit: 10)
        var resumed: [String] = []
        let first = ledger.register { resumed.append("first") }
        let second = ledger.register { resumed.append("second") }
        ledger.open(first)
        ledger.open(second)
        #expect(ledger.charge(10, to: first))
        #expect(!ledger.charge(1, to: second))
        ledger.finishReceiving(first)
        #expect(resumed == ["second"])
        ledger.release(first)
        ledger.release(second)
        #expect(ledger.used == 0)
        #expect(resumed == ["second"])
    }
}
