import AccessPolicy
import Foundation
import GatehouseConfig
import SigV4

/// The contract's order of checks for one request, after admission, TLS, and framing and limits (gate 3, in
/// `RequestDecoder` and `RequestBodyFraming`): routing, SigV4, resource policy. Each step either moves the request on or answers with the contract's error.
/// This is the one place the order lives; the NIO handler only feeds it.
struct RequestGates {
    let snapshot: GatewaySnapshot
    let connection: ConnectionState

    /// A request whose head passed gates 3 and 4 and the first half of gate 5.
    struct Admitted {
        let match: RouteMatch
        let path: NormalizedPath
        /// The SigV4 check still waiting for the body; nil on NONE routes.
        let pendingSignature: PendingVerification?
    }

    /// A head refused by gate 4 or 5a; the route, when one matched, is kept for the access record and metrics.
    struct Rejection: Error {
        let error: GatewayError
        /// The API the request selected, when it did (a 404 for an unknown route still belongs to an API).
        var api: APIDefinition? = nil
        var match: RouteMatch? = nil
        var path: NormalizedPath? = nil
    }

    /// Gates 4 (API, stage, route) and 5a (the signature's form, key and date — before any body is read), read from
    /// the head's bytes: the signed request is made only for AWS_IAM routes.
    func admitHead(_ head: ParsedRequestHead, line: RequestLine, now: Date) -> Result<Admitted, Rejection> {
        let target = line.uri
        let pathPart: Substring
        let query: Substring?
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            query = target[target.index(after: mark)...]
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
            let api = router.selectAPI(
                host: head.firstValue("host"), apiIDHeader: head.firstValue("x-apigw-api-id"))
        else {
            return .failure(Rejection(error: .notFound, path: path))
        }
        guard let match = router.match(api: api, method: line.method.rawValue, path: path) else {
            return .failure(Rejection(error: .notFound, api: api, path: path))
        }
        guard match.route.authorization == .awsIAM else {
            return .success(Admitted(match: match, path: path, pendingSignature: nil))
        }
        let request = head.sigV4Request(
            method: line.method.rawValue, path: String(pathPart), query: query.map(String.init))
        switch snapshot.verifier.begin(request, now: Int(now.timeIntervalSince1970)) {
        case .success(let pending):
            return .success(Admitted(match: match, path: path, pendingSignature: pending))
        case .failure(let error):
            let refusal = GatewayError(status: .forbidden, errorType: error.errorType, message: error.message)
            return .failure(Rejection(error: refusal, api: api, match: match, path: path))
        }
    }

    /// Gate 5b: the signature over the body as received.
    func verifySignature(_ pending: PendingVerification, bodySHA256Hex: String?) -> Result<
        CallerPrincipal, GatewayError
    > {
        switch pending.finish(bodySHA256Hex: bodySHA256Hex) {
        case .success(let caller):
            return .success(
                CallerPrincipal(
                    accessKeyID: caller.accessKeyID, arn: caller.principalARN ?? caller.accessKeyID,
                    account: caller.accountID, tags: caller.tags))
        case .failure(let error):
            return .failure(GatewayError(status: .forbidden, errorType: error.errorType, message: error.message))
        }
    }

    /// Gate 6: the API's resource policy over the request's context.
    func authorize(
        _ admitted: Admitted, method: String, principal: CallerPrincipal?, userAgent: String?, now: Date
    ) -> GatewayError? {
        guard let policy = admitted.match.api.policy else { return nil }
        let subject = PolicyCheck.Subject(
            apiID: admitted.match.api.id, stage: admitted.match.stage, method: method,
            routePath: admitted.match.routePath, principal: principal, sourceIP: connection.sourceIP,
            network: connection.network, clientIdentity: connection.clientIdentity, userAgent: userAgent, now: now)
        let outcome = PolicyCheck(region: snapshot.region, accountID: snapshot.accountID).evaluate(
            policy, subject: subject)
        return outcome.deniedMessage.map { GatewayError.accessDenied($0) }
    }
}
