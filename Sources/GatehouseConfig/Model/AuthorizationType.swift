/// How a route authenticates callers, as in API Gateway.
public enum AuthorizationType: String, Hashable, Sendable, CaseIterable {
    /// SigV4/SigV4a required.
    case awsIAM = "AWS_IAM"
    /// No authentication; the resource policy sees an anonymous principal.
    case none = "NONE"
}
