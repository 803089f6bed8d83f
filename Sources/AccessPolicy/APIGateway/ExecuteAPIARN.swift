/// API Gateway's `execute-api` ARNs: the resource a request is checked against, and the policy shorthand.
///
/// A request for `GET /prod/users/42` on API `a1b2c3d4e5` is the resource
/// `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/users/42` (the path without its leading
/// slash, as API Gateway writes it). Policies may say `execute-api:/prod/GET/users/*`, which API Gateway
/// expands with the API's own region, account and id.
public enum ExecuteAPIARN {
    static let shorthandPrefix = "execute-api:/"

    /// The resource ARN of one request.
    /// - Parameter path: the normalized request path after the stage (`/users/42`); one leading `/` is dropped.
    public static func resource(
        region: String, accountID: String, apiID: String, stage: String, method: String, path: String
    ) -> String {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        return "arn:\(ARNComponents.partition(forRegion: region)):execute-api:\(region):\(accountID):\(apiID)/"
            + "\(stage)/\(method)/\(trimmed)"
    }

    /// Expands `execute-api:/STAGE/METHOD/PATH` to this API's full ARN; other text is returned unchanged.
    public static func expandShorthand(_ text: String, region: String, accountID: String, apiID: String) -> String {
        guard text.hasPrefix(shorthandPrefix) else { return text }
        return "arn:\(ARNComponents.partition(forRegion: region)):execute-api:\(region):\(accountID):\(apiID)/"
            + text.dropFirst(shorthandPrefix.count)
    }
}
