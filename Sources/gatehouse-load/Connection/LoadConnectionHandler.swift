/// The handler a worker keeps for its current connection: its identity tells the connection's reports apart from a
/// previous connection's, and `detach()` silences it before the worker closes the connection on purpose.
protocol LoadConnectionHandler: AnyObject {
    func detach()
}

extension ResponseHandler: LoadConnectionHandler {}
