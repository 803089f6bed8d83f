/// The request-body bytes one HTTP/2 connection holds buffered across its streams, and which streams may read more.
///
/// A stream buffers its request body whole before the signature check, up to `max_body_bytes`; without a bound per
/// connection, one client could make Gatehouse hold `max_concurrent_streams` × `max_body_bytes` on one connection.
/// Here every buffered byte is charged to its stream, and once the connection holds `limit` bytes the streams stop
/// reading: they send no WINDOW_UPDATE, so HTTP/2 flow control holds the client back instead of an error failing
/// requests that are within their own limits. Bytes are released when the stream's exchange ends.
///
/// Progress: the oldest stream still receiving a body always reads, whatever the others hold, so streams that each
/// hold part of the budget cannot wait on each other forever; the others take turns as bytes are released. The
/// connection therefore holds at most `limit` + one body (`max_body_bytes`) + what streams read in the batch in which
/// they were paused (at most a stream's flow-control window each).
///
/// Pure: streams are keys, the caller pauses and resumes their reading, so the accounting is tested without channels.
struct HTTP2BodyBudget: Equatable {
    typealias Stream = Int

    let limit: Int
    /// The bytes held by all streams.
    private(set) var used = 0
    /// The bytes held per stream.
    private var held: [Stream: Int] = [:]
    /// Streams receiving a body, oldest first.
    private var receiving: [Stream] = []
    /// Streams told to stop reading, in the order they stopped.
    private(set) var paused: [Stream] = []

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether `stream` may read more body now.
    func mayRead(_ stream: Stream) -> Bool {
        used < limit || receiving.first == stream
    }

    /// `stream` starts receiving a body to buffer (it joins the turn order).
    mutating func open(_ stream: Stream) {
        guard !receiving.contains(stream) else { return }
        receiving.append(stream)
    }

    /// `bytes` more held by `stream`. Returns false when it must stop reading; it is then among `paused` until a
    /// later call returns it to be resumed.
    mutating func charge(_ bytes: Int, to stream: Stream) -> Bool {
        held[stream, default: 0] += bytes
        used += bytes
        if mayRead(stream) { return true }
        if !paused.contains(stream) { paused.append(stream) }
        return false
    }

    /// `stream` has its whole body: it still holds its bytes but no longer takes a turn. Returns the streams to
    /// resume.
    mutating func finishReceiving(_ stream: Stream) -> [Stream] {
        receiving.removeAll { $0 == stream }
        paused.removeAll { $0 == stream }
        return resumable()
    }

    /// `stream`'s exchange ended (answered, reset, closed): its bytes are free. Returns the streams to resume.
    mutating func release(_ stream: Stream) -> [Stream] {
        used -= held.removeValue(forKey: stream) ?? 0
        receiving.removeAll { $0 == stream }
        paused.removeAll { $0 == stream }
        return resumable()
    }

    /// The paused streams that may read again, oldest pause first; they leave `paused`.
    private mutating func resumable() -> [Stream] {
        let resumed = paused.filter { mayRead($0) }
        paused.removeAll { resumed.contains($0) }
        return resumed
    }
}
