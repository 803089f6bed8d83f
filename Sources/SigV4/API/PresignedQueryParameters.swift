/// The `X-Amz-*` query parameters that carry a presigned request's signature and credentials. One list for the
/// verifier (each may be given once at most) and for the gateway, which removes them from the query it forwards: a
/// name missing from either would be checked but forwarded, or forwarded unchecked.
public enum PresignedQueryParameters {
    public static let names: [StaticString] = [
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
        "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Region-Set",
    ]
}
