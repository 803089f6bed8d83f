import AccessPolicy
import Foundation
import GatehouseConfig
import SigV4

/// The contract's order of checks for one request, after admission and TLS (gates 1 and 2, per connection): framing
/// and limits (gate 3, whose verdict `RequestDecoder` and `RequestBodyFraming` hand in), API, stage and route (4),
/// SigV4 (5), the resource policy (6), then the usage phase where API keys (7) and throttling and quotas (8) will go.
/// Each step either moves the request on or answers with the contract's error (`GatewayError`). This is the one place
/// the order lives; the connection's handler only feeds it.
///
/// Two phases, because the signature may cover the body: ``admitHead(_:method:target:framing:now:)`` runs on the
/// head alone (so a refused request is answered before its body is read), ``finish(_:method:bodySHA256Hex:now:)``
/// once the body is in. Nothing here is HTTP/1-specific: the head is read through `GatedRequestHead`, so HTTP/2
/// streams can run the same pipeline.
struct RequestPipeline {
    let snapshot: GatewaySnapshot
    let connection: ConnectionState

    /// A request whose head passed gates 3 and 4 and the first half of gate 5. A class: it holds the pending
    /// signature (the canonical prefixes, the keyed HMAC, the caller) and travels from the head phase through the
    /// exchange to the body phase and the integration, so one reference moves instead of the whole value.
    final class Admitted {
        let match: RouteMatch
        let path: NormalizedPath
        /// The SigV4 check still waiting for the body; nil on NONE routes.
        let pendingSignature: PendingVerification?
        /// The `User-Agent` for the policy's `aws:UserAgent`, read with the head when the API has a policy.
        let userAgent: String?
        /// The `x-api-key` value for gate 7, read with the head on routes where plans or keys apply. Never logged or
        /// forwarded.
        let apiKey: String?

        init(
            match: RouteMatch, path: NormalizedPath, pendingSignature: PendingVerification?, userAgent: String?,
            apiKey: String? = nil
        ) {
            self.match = match
            self.path = path
            self.pendingSignature = pendingSignature
            self.userAgent = userAgent
            self.apiKey = apiKey
        }
    }

    /// A head refused by gate 3, 4 or 5a; the route, when one matched, is kept for the access record and metrics.
    struct Rejection: Error {
        let error: GatewayError
        /// The API the request selected, when it did (a 404 for an unknown route still belongs to an API).
        var api: APIDefinition? = nil
        var match: RouteMatch? = nil
        var path: NormalizedPath? = nil
    }

    // MARK: Head phase

    /// Gates 3 (the framing's verdict), 4 (API, stage, route) and 5a (the signature's form, key and date — before any
    /// body is read). `target` is the request target as sent (path and query, still percent-encoded).
    func admitHead(
        _ head: some GatedRequestHead, method: String, target: String,
        framing: Result<RequestBodyFraming, RequestParseError>, now: Date
    ) -> Result<Admitted, Rejection> {
        if case .failure(let error) = framing {
            return .failure(Rejection(error: GatewayError(error)))
        }
        let pathPart: Substring
        let query: Substring?
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            pathPart = target[..<mark]
            query = target[target.utf8.index(after: mark)...]
        } else {
            pathPart = target[...]
            query = nil
        }
        let path: NormalizedPath
        do {
            path = try NormalizedPath(rawPath: pathPart)
        } catch {
            return .failure(Rejection(error: .badRequest("Invalid request path")))
        }
        let router = snapshot.router
        guard
            let selection = router.select(
                host: head.firstValue("host"), apiIDHeader: head.firstValue("x-apigw-api-id"))
        else {
            return .failure(Rejection(error: .notFound, path: path))
        }
        let api = selection.api
        guard let match = router.match(api: api, method: method, path: path, stage: selection.stage) else {
            return .failure(Rejection(error: .notFound, api: api, path: path))
        }
        let userAgent = match.api.policy == nil ? nil : head.firstValue("user-agent")
        let usage = match.route.usage
        let apiKey = usage.map { $0.apiKeyRequired || $0.planApplies } == true ? head.firstValue("x-api-key") : nil
        guard match.route.authorization == .awsIAM else {
            return .success(
                Admitted(match: match, path: path, pendingSignature: nil, userAgent: userAgent, apiKey: apiKey))
        }
        let verifier = snapshot.verifier
        // Without a query the path is the whole target: shared, not copied.
        let signedPath = query == nil ? target : String(pathPart)
        let began = head.withSigV4Request(method: method, path: signedPath, query: query.map(String.init)) {
            verifier.begin($0, now: Int(now.timeIntervalSince1970))
        }
        switch began {
        case .success(let pending):
            return .success(
                Admitted(match: match, path: path, pendingSignature: pending, userAgent: userAgent, apiKey: apiKey))
        case .failure(let error):
            return .failure(Rejection(error: GatewayError(error), api: api, match: match, path: path))
        }
    }

    // MARK: Body phase

    /// What the body phase decided: the verified caller (nil on NONE routes, or when the signature failed) and the
    /// error that answers, if any. The caller is kept even when the policy refuses, for the access record.
    struct Verdict {
        let principal: CallerPrincipal?
        let refusal: GatewayError?
        /// What gates 7 and 8 counted the request as (nil when it did not reach them, or the route has no usage).
        var usage: UsageOutcome? = nil
    }

    /// Gates 5b (the signature over the body as received), 6 (the resource policy) and the usage phase (7–8), once
    /// the body is complete.
    /// `clock` is the monotonic time (nanoseconds) the token buckets count with.
    func finish(
        _ admitted: Admitted, method: String, bodySHA256Hex: String?, now: Date,
        clock: UInt64 = UInt64(DispatchTime.now().uptimeNanoseconds)
    ) -> Verdict {
        var principal: CallerPrincipal?
        if let pending = admitted.pendingSignature {
            switch verifySignature(pending, bodySHA256Hex: bodySHA256Hex) {
            case .success(let caller): principal = caller
            case .failure(let error): return Verdict(principal: nil, refusal: error)
            }
        }
        if let error = authorize(admitted, method: method, principal: principal, now: now) {
            return Verdict(principal: principal, refusal: error)
        }
        guard let usage = admitUsage(admitted, principal: principal, now: now, clock: clock) else {
            return Verdict(principal: principal, refusal: nil)
        }
        return Verdict(principal: principal, refusal: usage.refusal, usage: usage.outcome)
    }

    /// Gate 5b: the signature over the body as received.
    func verifySignature(_ pending: PendingVerification, bodySHA256Hex: String?) -> Result<
        CallerPrincipal, GatewayError
    > {
        switch pending.finish(bodySHA256Hex: bodySHA256Hex) {
        case .success(let caller):
            return .success(snapshot.principal(for: caller))
        case .failure(let error):
            return .failure(GatewayError(error))
        }
    }

    /// Gate 6: the API's resource policy over the request's context.
    func authorize(_ admitted: Admitted, method: String, principal: CallerPrincipal?, now: Date) -> GatewayError? {
        guard let policy = admitted.match.api.policy else { return nil }
        let subject = PolicyCheck.Subject(
            apiID: admitted.match.api.id, stage: admitted.match.stage, method: method,
            routePath: admitted.match.routePath, principal: principal, sourceIP: connection.sourceIP,
            network: connection.network, clientIdentity: connection.clientIdentity, userAgent: admitted.userAgent,
            now: now)
        let outcome = PolicyCheck(region: snapshot.region, accountID: snapshot.accountID).evaluate(
            policy, subject: subject)
        return GatewayError(outcome)
    }

    /// Gates 7 (the route's API key) and 8 (throttling, then quota; contract section 7), after the policy and before
    /// the integration: they count only requests that are otherwise allowed.
    func admitUsage(_ admitted: Admitted, principal: CallerPrincipal?, now: Date, clock: UInt64)
        -> UsageGate.Verdict?
    {
        guard let usage = admitted.match.route.usage else { return nil }
        return UsageGate(route: usage).admit(
            apiKey: admitted.apiKey, principal: principal?.arn, client: { connection.clientIdentity }, now: now,
            clock: clock, keyMemo: connection.apiKeyMemo)
    }
}
