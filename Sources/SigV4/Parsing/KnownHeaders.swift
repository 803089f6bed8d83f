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

    init(_ headers: [(name: String, value: String)]) {
        headers.withUnsafeBufferPointer { find(in: $0) }
    }

    private mutating func find(in headers: UnsafeBufferPointer<(name: String, value: String)>) {
        for index in headers.indices {
            let name = headers[index].name
            switch name.utf8.count {
            case 4:
                if date == nil && ASCII.isNamed(name, "date") { date = index }
            case 10:
                if amzDate == nil && ASCII.isNamed(name, "x-amz-date") { amzDate = index }
            case 13:
                if ASCII.isNamed(name, "authorization") {
                    if authorization == nil { authorization = index }
                    authorizationCount += 1
                }
            case 16:
                if regionSet == nil && ASCII.isNamed(name, "x-amz-region-set") { regionSet = index }
            case 20:
                if securityToken == nil && ASCII.isNamed(name, "x-amz-security-token") {
                    securityToken = index
                } else if contentSHA256 == nil && ASCII.isNamed(name, "x-amz-content-sha256") {
                    contentSHA256 = index
                }
            default:
                break
            }
        }
    }
}
