/// What `HTTP1ConnectionStateMachine` needs to know of a request head to run its connection: the version and
/// connection semantics the client asked for, whether it waits for `100 Continue`, and how its body is framed (or
/// why that framing is refused). Everything else in the head is the `RequestPipeline`'s business.
protocol HTTP1RequestHeadFacts {
    /// An HTTP/1.0 request: it never gets a `100 Continue` (RFC 9110 §10.1.1), and keeps its connection only when
    /// it asks to.
    var isHTTP10: Bool { get }
    /// Whether the client asked to keep the connection open after this exchange.
    var wantsKeepAlive: Bool { get }
    /// Whether the head carries `Expect: 100-continue`.
    var expectsContinue: Bool { get }
    /// The body's framing, or why it is refused (then the request is answered and the connection closes).
    var framing: Result<RequestBodyFraming, RequestParseError> { get }
}
