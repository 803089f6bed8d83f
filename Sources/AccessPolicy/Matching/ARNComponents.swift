/// Small helpers over the `arn:partition:service:region:account:resource` layout.
enum ARNComponents {
    /// The six components, or nil when `arn` is not an ARN.
    static func split(_ arn: String) -> [Substring]? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        return parts
    }

    /// The account id of an ARN (`arn:aws:iam::123456789012:user/alice` → `123456789012`), nil when empty.
    static func account(of arn: String) -> String? {
        guard let parts = split(arn), !parts[4].isEmpty else { return nil }
        return String(parts[4])
    }

    /// The IAM partition for a region (`cn-north-1` → `aws-cn`), as API Gateway builds ARNs.
    static func partition(forRegion region: String) -> String {
        if region.hasPrefix("cn-") { return "aws-cn" }
        if region.hasPrefix("us-gov-") { return "aws-us-gov" }
        if region.hasPrefix("us-iso-") { return "aws-iso" }
        if region.hasPrefix("us-isob-") { return "aws-iso-b" }
        return "aws"
    }
}
