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
    init(_ credential: Substring, algorithm: SigV4Algorithm, region: String, service: String) throws(SigV4Error) {
        let expected = algorithm == .hmacSHA256 ? 5 : 4
        // The offsets of the first four slashes and how many there are, in one pass.
        let (slashes, slashCount) = UTF8Bytes.with(credential) { bytes in
            var slashes = (0, 0, 0, 0)
            var count = 0
            for index in 0..<bytes.count where bytes[index] == ASCII.slash {
                switch count {
                case 0: slashes.0 = index
                case 1: slashes.1 = index
                case 2: slashes.2 = index
                case 3: slashes.3 = index
                default: break
                }
                count += 1
            }
            return (slashes, count)
        }
        guard slashCount + 1 == expected, slashes.0 > 0 else {
            throw .incomplete(
                algorithm == .hmacSHA256
                    ? "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request."
                    : "Credential must have the form ACCESS_KEY_ID/YYYYMMDD/SERVICE/aws4_request."
            )
        }
        let length = credential.utf8.count
        let last = algorithm == .hmacSHA256 ? slashes.3 : slashes.2
        let beforeLast = algorithm == .hmacSHA256 ? slashes.2 : slashes.1
        accessKeyID = String(UTF8Bytes.slice(credential, 0..<slashes.0))
        date = UTF8Bytes.slice(credential, (slashes.0 + 1)..<slashes.1)
        self.region = algorithm == .hmacSHA256 ? UTF8Bytes.slice(credential, (slashes.1 + 1)..<slashes.2) : nil
        self.service = UTF8Bytes.slice(credential, (beforeLast + 1)..<last)
        let terminator = UTF8Bytes.slice(credential, (last + 1)..<length)
        scope = UTF8Bytes.slice(credential, (slashes.0 + 1)..<length)
        guard UTF8Bytes.with(date, { $0.count == 8 && $0.allSatisfy(ASCII.isDigit) }) else {
            throw .incomplete("Credential date must be in the form YYYYMMDD, not '\(date)'.")
        }
        if let scopedRegion = self.region, !UTF8Bytes.equal(scopedRegion, region) {
            throw .incomplete("Credential should be scoped to a valid region, not '\(scopedRegion)'.")
        }
        guard UTF8Bytes.equal(self.service, service) else {
            throw .incomplete("Credential should be scoped to correct service: '\(service)'.")
        }
        guard UTF8Bytes.with(terminator, { ASCII.equals($0, "aws4_request") }) else {
            throw .incomplete(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'.")
        }
    }
}
