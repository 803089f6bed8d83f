import Foundation
import GatehouseConfig
import GatehouseState
import IPNetwork
import NIOConcurrencyHelpers
import SigV4
import Testing

@testable import GatehouseCore

/// Gates 7 and 8 through the pipeline, with a clock the tests move: API keys, consumers, the order of the token
/// buckets, and the quota through a ledger double.
@Suite struct UsageGateTests {
    typealias Head = RequestPipelineTests.Head

    static let goldKey = "gold-key-0123456789abcdef"
    static let otherKey = "other-key-0123456789abcdef"
    static let offKey = "off-key-0123456789abcdefgh"
    static let strayKey = "stray-key-0123456789abcdef"
    static let environment = [
        "GOLD_KEY": goldKey, "OTHER_KEY": otherKey, "OFF_KEY": offKey, "STRAY_KEY": strayKey,
    ]
    static let second: UInt64 = 1_000_000_000

    static func text(planThrottle: String = "{rate: 1, burst: 5}", gateway: String = "{rate: 1, burst: 100}") -> String
    {
        """
        region: us-east-1
        account_id: "123456789012"
        listeners:
          - name: admin
            admin: true
            bind: 127.0.0.1:9901
        throttle: \(gateway)
        api_keys:
          - {id: gold, value_env: GOLD_KEY}
          - {id: other, value_env: OTHER_KEY}
          - {id: off, value_env: OFF_KEY, enabled: false}
          - {id: stray, value_env: STRAY_KEY}
        usage_plans:
          - id: gold
            throttle: \(planThrottle)
            quota: {limit: 7, period: DAY}
            api_stages:
              - api: usage00001
                stage: prod
                route_throttles: {"GET /tight": {rate: 1, burst: 2}}
            consumers:
              api_keys: [gold, off]
              principals: ["arn:aws:iam::123456789012:user/*"]
          - id: other
            api_stages: [{api: usage00001, stage: beta}]
            consumers: {api_keys: [other]}
        apis:
          - id: usage00001
            authorization: NONE
            stages:
              prod:
                route_throttles: {"GET /staged": {rate: 1, burst: 3}}
              beta:
                throttle: {rate: 1, burst: 4}
            routes:
              - {route: "GET /keyed", api_key_required: true, integration: {type: MOCK, status: 200}}
              - {route: "GET /tight", integration: {type: MOCK, status: 200}}
              - {route: "GET /staged", integration: {type: MOCK, status: 200}}
              - {route: "GET /open", integration: {type: MOCK, status: 200}}
        """
    }

    static func pipeline(
        _ text: String = text(), usage: UsageState = UsageState(accounting: QuotaLedgerDouble())
    ) throws -> RequestPipeline {
        let configuration = try ConfigurationLoader.load(
            text: text, file: "gatehouse.yaml", baseDirectory: "/", environment: environment
        ).get()
        let snapshot = try SnapshotBuilder.build(configuration, usage: usage).get()
        let connection = ConnectionState(listener: "https", sourceIP: IPAddress("127.0.0.1")!, network: nil)
        return RequestPipeline(snapshot: snapshot, connection: connection)
    }

    /// Runs one request through both phases at `clock` (nanoseconds); the verdict of the body phase.
    static func send(
        _ pipeline: RequestPipeline, _ path: String, key: String? = nil, principal: CallerPrincipal? = nil,
        clock: UInt64 = 0
    ) -> RequestPipeline.Verdict {
        var fields = [(name: "host", value: "localhost")]
        if let key { fields.append((name: "x-api-key", value: key)) }
        guard
            case .success(let admitted) = pipeline.admitHead(
                Head(fields: fields), method: "GET", target: path, framing: .success(.none), now: Date())
        else {
            Issue.record("\(path) was refused at the head")
            return RequestPipeline.Verdict(principal: nil, refusal: .notFound)
        }
        guard let principal else {
            return pipeline.finish(admitted, method: "GET", bodySHA256Hex: nil, now: Date(), clock: clock)
        }
        // A signed caller, without a signature to verify: the usage gates only read the principal.
        guard let usage = pipeline.admitUsage(admitted, principal: principal, now: Date(), clock: clock) else {
            return RequestPipeline.Verdict(principal: principal, refusal: nil)
        }
        return RequestPipeline.Verdict(principal: principal, refusal: usage.refusal, usage: usage.outcome)
    }

    // MARK: Buckets

    @Test func bucketStartsFullRefillsAtItsRateAndNeverPastItsBurst() {
        let bucket = TokenBucket()
        #expect(bucket.refill(rate: 2, burst: 3, now: 10 * Self.second) == 3)
        bucket.take()
        bucket.take()
        bucket.take()
        #expect(bucket.refill(rate: 2, burst: 3, now: 10 * Self.second) == 0)
        #expect(bucket.refill(rate: 2, burst: 3, now: 10 * Self.second + Self.second / 4) == 0.5)
        #expect(bucket.refill(rate: 2, burst: 3, now: 11 * Self.second) == 2)
        #expect(bucket.refill(rate: 2, burst: 3, now: 60 * Self.second) == 3)
        // A clock that goes back earns nothing; a smaller burst (a reload) clamps what is left.
        #expect(bucket.refill(rate: 2, burst: 3, now: 5 * Self.second) == 3)
        #expect(bucket.refill(rate: 2, burst: 1, now: 60 * Self.second) == 1)
    }

    @Test func burstAdmitsExactlyItsSizeThenTooManyRequestsWithRetryAfter() throws {
        let pipeline = try Self.pipeline()
        for _ in 0..<5 {
            #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        }
        let refused = Self.send(pipeline, "/prod/open", key: Self.goldKey)
        #expect(refused.refusal == .tooManyRequests)
        #expect(refused.refusal?.message == "Too Many Requests")
        #expect(refused.usage?.retryAfter == 1)
        #expect(refused.usage?.rateLimit?.policy == "\"plan\";q=5;w=5")
        #expect(refused.usage?.rateLimit?.value == "\"plan\";r=0;t=5")
        // One second later the plan's rate has put one token back.
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey, clock: Self.second).refusal == nil)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey, clock: Self.second).refusal == .tooManyRequests)
    }

    /// Plan route (2) before plan (5): the refusal at the route takes no token from the plan, so the plan still has
    /// exactly 3 for other routes.
    @Test func planRouteIsCheckedFirstAndARefusalTakesNoToken() throws {
        let pipeline = try Self.pipeline()
        for _ in 0..<2 {
            #expect(Self.send(pipeline, "/prod/tight", key: Self.goldKey).refusal == nil)
        }
        let refused = Self.send(pipeline, "/prod/tight", key: Self.goldKey)
        #expect(refused.refusal == .tooManyRequests)
        #expect(refused.usage?.rateLimit?.policy.hasPrefix("\"plan_route\"") == true)
        for _ in 0..<3 {
            #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        }
        let planRefusal = Self.send(pipeline, "/prod/open", key: Self.goldKey)
        #expect(planRefusal.usage?.rateLimit?.policy.hasPrefix("\"plan\"") == true)
    }

    /// Stage route (3, all callers) after plan (5): refusals at the stage route take nothing from the plan.
    @Test func stageRouteRefusalLeavesThePlanBucketAlone() throws {
        let pipeline = try Self.pipeline()
        for _ in 0..<3 {
            #expect(Self.send(pipeline, "/prod/staged", key: Self.goldKey).refusal == nil)
        }
        for _ in 0..<3 {
            let refused = Self.send(pipeline, "/prod/staged", key: Self.goldKey)
            #expect(refused.refusal == .tooManyRequests)
            #expect(refused.usage?.rateLimit?.policy.hasPrefix("\"stage_route\"") == true)
        }
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == .tooManyRequests)
    }

    @Test func stageAndGatewayCountEveryCallerTogether() throws {
        let pipeline = try Self.pipeline(Self.text(gateway: "{rate: 1, burst: 6}"))
        for _ in 0..<4 {
            #expect(Self.send(pipeline, "/beta/open").refusal == nil)
        }
        let stage = Self.send(pipeline, "/beta/open", key: Self.otherKey)
        #expect(stage.refusal == .tooManyRequests)
        #expect(stage.usage?.rateLimit?.policy == "\"stage\";q=4;w=4")
        #expect(Self.send(pipeline, "/prod/open").refusal == nil)
        #expect(Self.send(pipeline, "/prod/open").refusal == nil)
        let gateway = Self.send(pipeline, "/prod/open")
        #expect(gateway.refusal == .tooManyRequests)
        // No plan counts an anonymous caller on prod, but one covers the stage: the headers still name the limit.
        #expect(gateway.usage?.rateLimit?.policy == "\"gateway\";q=6;w=6")
        #expect(gateway.usage?.planID == nil)
    }

    @Test func fleetScopeGivesEachLiveInstanceItsShare() throws {
        let usage = UsageState(accounting: QuotaLedgerDouble(liveInstances: 2))
        let pipeline = try Self.pipeline(Self.text(planThrottle: "{rate: 1, burst: 6, scope: fleet}"), usage: usage)
        for _ in 0..<3 {
            #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        }
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == .tooManyRequests)
    }

    @Test func aFleetShareOfABurstSmallerThanTheFleetStillHoldsOneToken() throws {
        // burst 1 among 2 instances: a share of 0.5 tokens would refuse every request for ever.
        let usage = UsageState(accounting: QuotaLedgerDouble(liveInstances: 2))
        let pipeline = try Self.pipeline(Self.text(planThrottle: "{rate: 1, burst: 1, scope: fleet}"), usage: usage)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == .tooManyRequests)
        // The next token comes at the share's rate, 0.5 per second: after 2 s, not after 1 s.
        let second: UInt64 = 1_000_000_000
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey, clock: second).refusal == .tooManyRequests)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey, clock: 2 * second).refusal == nil)
    }

    @Test func aReloadKeepsTheBucketsOfWhatStillExists() throws {
        let usage = UsageState(accounting: QuotaLedgerDouble())
        let before = try Self.pipeline(usage: usage)
        for _ in 0..<4 {
            #expect(Self.send(before, "/prod/open", key: Self.goldKey).refusal == nil)
        }
        let after = try Self.pipeline(Self.text(gateway: "{rate: 1, burst: 99}"), usage: usage)
        #expect(Self.send(after, "/prod/open", key: Self.goldKey).refusal == nil)
        #expect(Self.send(after, "/prod/open", key: Self.goldKey).refusal == .tooManyRequests)
    }

    @Test func rateLimitFieldsAreStructuredFieldItems() {
        let report = RateLimitReport(
            level: .stageRoute, quota: 1_000_000_000_000, window: 0, remaining: 9_223_372_036_854_775_807, reset: -3)
        #expect(report.policy == "\"stage_route\";q=1000000000000;w=1")
        #expect(report.value == "\"stage_route\";r=9223372036854775807;t=0")
        #expect(
            RateLimitReport(level: .quota, quota: 0, window: 86400, remaining: 0, reset: 10).value
                == "\"quota\";r=0;t=10")
    }

    // MARK: API keys and consumers

    @Test func keyedRouteRefusesMissingUnknownDisabledAndOtherStageKeys() throws {
        let pipeline = try Self.pipeline()
        for key in [nil, "not-a-configured-key-at-all", Self.offKey, Self.otherKey, Self.strayKey] {
            let verdict = Self.send(pipeline, "/prod/keyed", key: key)
            #expect(verdict.refusal == .forbidden, "\(key ?? "no key")")
            #expect(verdict.refusal?.errorType == "ForbiddenException")
            #expect(verdict.refusal?.message == "Forbidden")
            #expect(verdict.usage?.planID == nil)
        }
        // A key is named in the record by its id, even when refused; an unknown value names nothing.
        #expect(Self.send(pipeline, "/prod/keyed", key: Self.offKey).usage?.apiKeyID == "off")
        #expect(Self.send(pipeline, "/prod/keyed", key: "not-a-configured-key-at-all").usage?.apiKeyID == nil)
        let admitted = Self.send(pipeline, "/prod/keyed", key: Self.goldKey)
        #expect(admitted.refusal == nil)
        #expect(admitted.usage?.apiKeyID == "gold")
        #expect(admitted.usage?.planID == "gold")
        #expect(admitted.usage?.consumer == "gold")
    }

    @Test func keysCompareWholeValuesOnly() {
        let table = APIKeyTable([
            APIKeyConfiguration(
                id: "gold", value: SecretValue(Self.goldKey), enabled: true, location: SourceLocation(file: "x"))
        ])
        #expect(table.key(for: Self.goldKey)?.id == "gold")
        #expect(table.key(for: String(Self.goldKey.dropLast())) == nil)
        #expect(table.key(for: Self.goldKey + "x") == nil)
        #expect(APIKeyTable.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)) == false)
        #expect(APIKeyTable.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(APIKeyTable.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)) == false)
    }

    @Test func aConnectionRemembersItsLastKeyForTheTableThatKnewIt() {
        func table(enabled: Bool) -> APIKeyTable {
            APIKeyTable([
                APIKeyConfiguration(
                    id: "gold", value: SecretValue(Self.goldKey), enabled: enabled, location: SourceLocation(file: "x")),
                APIKeyConfiguration(
                    id: "other", value: SecretValue(Self.otherKey), enabled: true, location: SourceLocation(file: "x")),
            ])
        }
        let memo = NIOLockedValueBox<APIKeyMemo?>(nil)
        let first = table(enabled: true)
        #expect(first.key(for: Self.goldKey, memo: memo)?.id == "gold")
        #expect(memo.withLockedValue { $0?.entry.id } == "gold")
        #expect(first.key(for: Self.goldKey, memo: memo)?.id == "gold")
        // A different value is looked up, never answered from the memo.
        #expect(first.key(for: Self.otherKey, memo: memo)?.id == "other")
        #expect(first.key(for: "x" + Self.otherKey.dropFirst(), memo: memo) == nil)
        #expect(memo.withLockedValue { $0?.entry.id } == "other")
        // After a reload (another table) the remembered entry is not used: the key is now disabled.
        #expect(table(enabled: false).key(for: Self.otherKey, memo: memo)?.id == "other")
        let reloaded = table(enabled: false)
        #expect(reloaded.key(for: Self.goldKey, memo: memo)?.enabled == false)
    }

    @Test func aValidKeyWinsOverThePrincipalAndThePrincipalOverNothing() throws {
        let pipeline = try Self.pipeline()
        let alice = CallerPrincipal(
            accessKeyID: "AKID", arn: "arn:aws:iam::123456789012:user/alice", account: "123456789012", tags: [:])
        let byPrincipal = Self.send(pipeline, "/prod/open", principal: alice)
        #expect(byPrincipal.usage?.planID == "gold")
        #expect(byPrincipal.usage?.consumer == "arn:aws:iam::123456789012:user/alice")
        let byKey = Self.send(pipeline, "/prod/open", key: Self.goldKey, principal: alice)
        #expect(byKey.usage?.consumer == "gold")
        // A key of no plan of this stage, on a route not requiring one, falls back to the principal.
        let stray = Self.send(pipeline, "/prod/open", key: Self.strayKey, principal: alice)
        #expect(stray.usage?.consumer == "arn:aws:iam::123456789012:user/alice")
        #expect(stray.usage?.apiKeyID == "stray")
        let nobody = Self.send(pipeline, "/prod/open")
        #expect(nobody.usage?.planID == nil)
        #expect(nobody.usage?.consumer == nil)
    }

    // MARK: Quota

    @Test func quotaCountsAdmittedRequestsThenLimitExceeded() throws {
        let ledger = QuotaLedgerDouble()
        let pipeline = try Self.pipeline(
            Self.text(planThrottle: "{rate: 1000, burst: 1000}"), usage: UsageState(accounting: ledger))
        for _ in 0..<7 {
            #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == nil)
        }
        let refused = Self.send(pipeline, "/prod/open", key: Self.goldKey, clock: 0)
        #expect(refused.refusal == .limitExceeded)
        #expect(refused.refusal?.status.code == 429)
        #expect(refused.refusal?.message == "Limit Exceeded")
        #expect(refused.usage?.rateLimit?.policy == "\"quota\";q=7;w=86400")
        #expect(refused.usage?.rateLimit?.value.hasPrefix("\"quota\";r=0;t=") == true)
        #expect((refused.usage?.retryAfter ?? 0) > 0)
        #expect(ledger.count(plan: "gold", consumer: "gold") == 7)
        ledger.storeDown(true)
        #expect(Self.send(pipeline, "/prod/open", key: Self.goldKey).refusal == .serviceUnavailable)
    }

    @Test func aThrottleRefusalIsNeverCountedInTheQuota() throws {
        let ledger = QuotaLedgerDouble()
        let pipeline = try Self.pipeline(usage: UsageState(accounting: ledger))
        for _ in 0..<9 { _ = Self.send(pipeline, "/prod/open", key: Self.goldKey) }
        #expect(ledger.count(plan: "gold", consumer: "gold") == 5)
    }
}
