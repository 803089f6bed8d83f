/// How the ledger tells the gateway about the store's health, so metrics, logs and `/readyz` stay in
/// GatehouseCore and the ledger needs no metrics backend of its own.
public struct QuotaLedgerEvents: Sendable {
    /// A sync or migration failed; the argument is a readable reason. Called once per failed attempt.
    public var storeFailed: @Sendable (String) -> Void
    /// The store answered again after failures (or for the first time).
    public var storeRecovered: @Sendable () -> Void

    public init(
        storeFailed: @escaping @Sendable (String) -> Void = { _ in },
        storeRecovered: @escaping @Sendable () -> Void = {}
    ) {
        self.storeFailed = storeFailed
        self.storeRecovered = storeRecovered
    }
}
