/// One HTTP/2 connection's `HTTP2BodyBudget`, shared by the handlers of its streams, with the way back to a stream
/// that stopped reading: when bytes are released, the streams that may read again are told so.
///
/// Used on the connection's event loop only (stream channels share their connection's loop).
final class HTTP2BodyBudgetLedger {
    private var budget: HTTP2BodyBudget
    private var nextStream = 0
    private var resumers: [HTTP2BodyBudget.Stream: () -> Void] = [:]

    init(limit: Int) {
        budget = HTTP2BodyBudget(limit: limit)
    }

    /// The bytes held by the connection's streams now.
    var used: Int { budget.used }

    /// A key for a new stream; `resume` is called when the stream may read again after `charge` said stop.
    func register(resume: @escaping () -> Void) -> HTTP2BodyBudget.Stream {
        nextStream += 1
        resumers[nextStream] = resume
        return nextStream
    }

    func open(_ stream: HTTP2BodyBudget.Stream) {
        budget.open(stream)
    }

    /// False: the stream must stop reading until its `resume` is called.
    func charge(_ bytes: Int, to stream: HTTP2BodyBudget.Stream) -> Bool {
        budget.charge(bytes, to: stream)
    }

    func finishReceiving(_ stream: HTTP2BodyBudget.Stream) {
        resume(budget.finishReceiving(stream))
    }

    /// The stream's bytes are free; it is forgotten.
    func release(_ stream: HTTP2BodyBudget.Stream) {
        resumers[stream] = nil
        resume(budget.release(stream))
    }

    private func resume(_ streams: [HTTP2BodyBudget.Stream]) {
        for stream in streams { resumers[stream]?() }
    }
}
