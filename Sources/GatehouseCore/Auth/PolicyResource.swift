/// The execute-api resource a request acts on, built from the same normalized path that routing and forwarding
/// use, and the contract's AccessDenied wording.
enum PolicyResource {
    static func arn(region: String, accountID: String, apiID: String, stage: String, method: String, routePath: [String])
        -> String
    {
        "arn:aws:execute-api:\(region):\(accountID):\(apiID)/\(stage)/\(method)/" + routePath.joined(separator: "/")
    }

    static func deniedMessage(principal: String?, resource: String, explicit: Bool) -> String {
        "User: \(principal ?? "anonymous") is not authorized to perform: execute-api:Invoke on resource: \(resource)"
            + (explicit ? " with an explicit deny" : "")
    }
}
