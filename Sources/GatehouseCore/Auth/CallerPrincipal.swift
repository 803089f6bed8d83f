/// Who signed a request, once its SigV4 signature verified.
///
/// A class, built once per configured identity when the configuration loads (`GatewaySnapshot.principal(for:)`):
/// the ARN, account and tags belong to the identity, not to the request, so a verified request shares one reference
/// instead of copying four fields into every exchange, policy subject and upstream request.
public final class CallerPrincipal: Sendable {
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
