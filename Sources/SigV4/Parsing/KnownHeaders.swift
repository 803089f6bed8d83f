import GatehouseBytes

/// Where the headers SigV4 reads are in a request, found in one pass over the header names: each name's length
/// is checked first (O(1)), so most headers are passed over without reading their bytes.
struct KnownHeaders {
    /// The first `Authorization` header, and how many there are.
    private(set) var authorization: Int?
    private(set) var authorizationCount = 0
    private(set) var amzDate: Int?
    private(set) var date: Int?
    private(set) var securityToken: Int?
    private(set) var contentSHA256: Int?
    private(set) var regionSet: Int?

    init(_ fields: SigV4HeaderFields) {
        for index in 0..<fields.count {
            switch fields.nameCount(index) {
            case 4:
                if date == nil && fields.nameIs(index, "date") { date = index }
            case 10:
                if amzDate == nil && fields.nameIs(index, "x-amz-date") { amzDate = index }
            case 13:
                if fields.nameIs(index, "authorization") {
                    if authorization == nil { authorization = index }
                    authorizationCount += 1
                }
            case 16:
                if regionSet == nil && fields.nameIs(index, "x-amz-region-set") { regionSet = index }
            case 20:
                if securityToken == nil && fields.nameIs(index, "x-amz-security-token") {
                    securityToken = index
                } else if contentSHA256 == nil && fields.nameIs(index, "x-amz-content-sha256") {
                    contentSHA256 = index
                }
            default:
                break
            }
        }
    }
}

extension SigV4HeaderFields {
    /// Whether field `index`'s name, in any case, is `lowercase`.
    func nameIs(_ index: Int, _ lowercase: StaticString) -> Bool {
        withName(index) { bytes in
            guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
            let literal = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
            for index in 0..<bytes.count where ASCII.lowercased(bytes[index]) != literal[index] {
                return false
            }
            return true
        }
    }
}
