/// A statement's `Effect`: spelled exactly `Allow` or `Deny`, as IAM requires.
enum Effect: String, Sendable {
    case allow = "Allow"
    case deny = "Deny"
}
