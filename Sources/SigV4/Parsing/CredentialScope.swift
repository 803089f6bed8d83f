/// The parsed `Credential` value: access key id and scope.
struct CredentialScope: Sendable {
    var accessKeyID: String
    var date: Substring
    /// Nil for SigV4a, whose scope has no region.
    var region: Substring?
    var service: Substring
    /// `DATE/[REGION/]SERVICE/aws4_request`, the scope line of the string to sign.
    var scope: Substring

    /// Checks the form and that it is scoped to `region` (v4) and `service`, as API Gateway does.
    init(_ credential: String, algorithm: SigV4Algorithm, region: String, service: String) throws(SigV4Error) {
        let parts = credential.utf8.split(separator: ASCII.slash, omittingEmptySubsequences: false).map {
            Substring($0)
        }
        let expected = algorithm == .hmacSHA256 ? 5 : 4
        guard parts.count == expected, !parts[0].isEmpty else {
            throw .incomplete(
                algorithm == .hmacSHA256
                    ? "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request."
                    : "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/SERVICE/aws4_request."
            )
        }
        accessKeyID = String(parts[0])
        date = parts[1]
        self.region = algorithm == .hmacSHA256 ? parts[2] : nil
        self.service = parts[expected - 2]
        let terminator = parts[expected - 1]
        scope = credential[parts[1].startIndex...]
        guard date.utf8.count == 8, date.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .incomplete("Credential date must be in the form YYYYMMDD, not '\(date)'.")
        }
        if let scopedRegion = self.region, !scopedRegion.utf8.elementsEqual(region.utf8) {
            throw .incomplete("Credential should be scoped to a valid region, not '\(scopedRegion)'.")
        }
        guard self.service.utf8.elementsEqual(service.utf8) else {
            throw .incomplete("Credential should be scoped to correct service: '\(service)'.")
        }
        guard terminator.utf8.elementsEqual("aws4_request".utf8) else {
            throw .incomplete(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'.")
        }
    }
}
