/// The signature parameters of a request, from the `Authorization` header or the presigned query, before any
/// check against the gateway's configuration. The fields are slices of the header (no copy on the hot path).
struct SignatureFields: Sendable {
    var algorithm: SigV4Algorithm
    /// `AKID/DATE/REGION/SERVICE/aws4_request` (v4) or `AKID/DATE/SERVICE/aws4_request` (v4a), as sent.
    var credential: TextSlice
    /// The `;`-separated header names as sent, checked valid.
    var signedHeaders: SignedHeaderList
    var signature: TextSlice
    var presigned: Bool
    /// `X-Amz-Date` from the query (presigned only).
    var queryDate: String?
    /// `X-Amz-Expires` (presigned only).
    var expires: String?
}
