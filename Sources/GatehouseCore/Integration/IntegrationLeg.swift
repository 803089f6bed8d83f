/// An upstream call under way for a client connection, as the connection's state machine drives it: over HTTP/1.1
/// (`ProxyLeg`) or HTTP/2 (`HTTP2ProxyLeg`).
protocol IntegrationLeg: AnyObject {
    /// The integration timeout passed.
    func timedOut()
    /// The client's connection is writable again: read from the upstream again.
    func resumeReading()
    /// The client went away: the upstream call ends.
    func abandon()
}
