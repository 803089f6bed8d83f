import Foundation
import IPNetwork
/// A loaded and validated configuration: an immutable snapshot the gateway holds and swaps atomically on reload.
public struct GatewayConfiguration: Hashable, Sendable {
    /// The configuration file as named by the user.
    public let file: String
    /// SigV4 signing region (the service is always `execute-api`).
    public let region: String
    /// 12-digit account id used in `execute-api` ARNs.
    public let accountID: String
    public let logTarget: ConfiguredLogTarget
    /// How far a SigV4 `X-Amz-Date` may be from now (default 300 s).
    public let maxClockSkew: Duration
    /// Time in-flight requests get after SIGTERM (default 30 s).
    public let drainTimeout: Duration
    public let limits: Limits
    public let listeners: [ListenerConfiguration]
    public let networks: [SourceNetwork]
    public let identities: [IdentityConfiguration]
    public let apis: [APIConfiguration]
    /// Whether client headers whose names hold `_` reach upstreams (`forward_underscore_headers`, default false,
    /// as nginx's `underscores_in_headers off`). Look-alikes of Gatehouse's own headers never do.
    public let forwardUnderscoreHeaders: Bool
    /// Where quota counts are kept (`state:`); SQLite in the default place when absent.
    public let state: StateConfiguration
    /// The gateway-wide token bucket (`throttle`, default 10000 per second, bursts of 5000).
    public let throttle: ThrottleConfiguration
    /// `api_keys`, in file order.
    public let apiKeys: [APIKeyConfiguration]
    /// `usage_plans`, in file order (consumer resolution takes the first plan that matches).
    public let usagePlans: [UsagePlanConfiguration]

    public init(
        file: String,
        region: String,
        accountID: String,
        logTarget: ConfiguredLogTarget,
        maxClockSkew: Duration,
        drainTimeout: Duration,
        limits: Limits,
        listeners: [ListenerConfiguration],
        networks: [SourceNetwork],
        identities: [IdentityConfiguration],
        apis: [APIConfiguration],
        forwardUnderscoreHeaders: Bool = false,
        throttle: ThrottleConfiguration? = nil,
        apiKeys: [APIKeyConfiguration] = [],
        usagePlans: [UsagePlanConfiguration] = [],
        state: StateConfiguration? = nil
    ) {
        self.throttle = throttle ?? .gatewayDefault(file: file)
        self.apiKeys = apiKeys
        self.usagePlans = usagePlans
        self.file = file
        self.region = region
        self.accountID = accountID
        self.logTarget = logTarget
        self.maxClockSkew = maxClockSkew
        self.drainTimeout = drainTimeout
        self.limits = limits
        self.listeners = listeners
        self.networks = networks
        self.identities = identities
        self.apis = apis
        self.forwardUnderscoreHeaders = forwardUnderscoreHeaders
        self.state =
            state
            ?? StateConfiguration(
                store: .sqlite(
                    path: StateConfiguration.defaultSQLitePath(
                        configurationFolder: (file as NSString).deletingLastPathComponent, environment: [:])),
                isExplicit: false)
    }
}
