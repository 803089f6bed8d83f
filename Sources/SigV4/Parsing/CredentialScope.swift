import GatehouseBytes

/// The parsed `Credential` value: access key id and scope. The parts are kept as offsets into the one `Credential`
/// slice, so that the value costs two references to copy or destroy, not one per part.
struct CredentialScope: Sendable {
    private let credential: TextSlice
    private let accessKeyIDRange: Range<Int>
    private let dateRange: Range<Int>
    private let regionRange: Range<Int>?
    private let serviceRange: Range<Int>
    private let scopeRange: Range<Int>

    /// As sent; read in place, so no `String` is made for it (AWS key ids are 20 bytes, too long for a small one).
    var accessKeyID: TextSlice { credential.slice(accessKeyIDRange) }
    var date: TextSlice { credential.slice(dateRange) }
    /// Nil for SigV4a, whose scope has no region.
    var region: TextSlice? { regionRange.map(credential.slice) }
    var service: TextSlice { credential.slice(serviceRange) }
    /// `DATE/[REGION/]SERVICE/aws4_request`, the scope line of the string to sign.
    var scope: TextSlice { credential.slice(scopeRange) }

    /// Checks the form and that it is scoped to `region` (v4) and `service`, as API Gateway does.
    init(_ credential: TextSlice, algorithm: SigV4Algorithm, region: String, service: String) throws(SigV4Error) {
        let expected = algorithm == .hmacSHA256 ? 5 : 4
        // The offsets of the first four slashes and how many there are, in one pass.
        let (slashes, slashCount) = credential.withBytes { bytes in
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
        let last = algorithm == .hmacSHA256 ? slashes.3 : slashes.2
        let beforeLast = algorithm == .hmacSHA256 ? slashes.2 : slashes.1
        self.credential = credential
        accessKeyIDRange = 0..<slashes.0
        dateRange = (slashes.0 + 1)..<slashes.1
        regionRange = algorithm == .hmacSHA256 ? (slashes.1 + 1)..<slashes.2 : nil
        serviceRange = (beforeLast + 1)..<last
        scopeRange = (slashes.0 + 1)..<credential.count
        let terminator = credential.slice((last + 1)..<credential.count)
        let date = self.date
        guard date.withBytes({ $0.count == 8 && $0.allSatisfy(ASCII.isDigit) }) else {
            throw .incomplete("Credential date must be in the form YYYYMMDD, not '\(date)'.")
        }
        if let scopedRegion = self.region, !scopedRegion.equals(region) {
            throw .incomplete("Credential should be scoped to a valid region, not '\(scopedRegion)'.")
        }
        guard self.service.equals(service) else {
            throw .incomplete("Credential should be scoped to correct service: '\(service)'.")
        }
        guard terminator.equals("aws4_request") else {
            throw .incomplete(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'.")
        }
    }
}
