/// Who signed a request, once its SigV4 signature verified.
public struct CallerPrincipal: Sendable {
    public let accessKeyID: String
    public let arn: String
    public let account: String?
    public let tags: [String: String]

    public init(accessKeyID: String, arn: String, account: String?, tags: [String: String]) {
        self.accessKeyID = accessKeyID
        self.arn = arn
        self.account = account
        self.tags = tags
    }
}
