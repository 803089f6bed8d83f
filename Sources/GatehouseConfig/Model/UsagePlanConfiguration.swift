/// A usage plan (`usage_plans`, contract section 7): per-consumer throttles and quota over the API stages it covers.
public struct UsagePlanConfiguration: Hashable, Sendable {
    public let id: String
    /// Per consumer, on every route of the plan's stages; nil: none.
    public let throttle: ThrottleConfiguration?
    /// Per consumer; nil: no quota.
    public let quota: QuotaConfiguration?
    public let apiStages: [UsagePlanStageConfiguration]
    public let consumers: UsagePlanConsumers
    public let location: SourceLocation

    public init(
        id: String, throttle: ThrottleConfiguration?, quota: QuotaConfiguration?,
        apiStages: [UsagePlanStageConfiguration], consumers: UsagePlanConsumers, location: SourceLocation
    ) {
        self.id = id
        self.throttle = throttle
        self.quota = quota
        self.apiStages = apiStages
        self.consumers = consumers
        self.location = location
    }
}
