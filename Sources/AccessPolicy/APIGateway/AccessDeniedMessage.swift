/// The `AccessDeniedException` message API Gateway sends when a resource policy denies a request.
public enum AccessDeniedMessage {
    /// `User: PRINCIPAL is not authorized to perform: ACTION on resource: ARN`, with `anonymous` for callers
    /// without SigV4 and ` with an explicit deny` appended when a Deny statement matched.
    public static func text(
        principal: String?, action: String = "execute-api:Invoke", resource: String, decision: PolicyDecision
    ) -> String {
        var message =
            "User: \(principal ?? "anonymous") is not authorized to perform: \(action) on resource: \(resource)"
        if case .explicitDeny = decision { message += " with an explicit deny" }
        return message
    }
}
