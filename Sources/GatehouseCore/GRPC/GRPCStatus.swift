/// What a gRPC client sees instead of an HTTP error: the gateway's refusals of a gRPC request (content-type
/// `application/grpc*`) are answered HTTP 200 with `grpc-status` and `grpc-message` (contract section 9), because gRPC
/// clients read status codes, not HTML or JSON bodies.
struct GRPCStatus: Equatable {
    let code: Int
    let message: String

    /// The contract's mapping: 403 SigV4 failures → 16 UNAUTHENTICATED, AccessDenied → 7 PERMISSION_DENIED, 429 → 8
    /// RESOURCE_EXHAUSTED, 502 → 14 UNAVAILABLE, 504 → 4 DEADLINE_EXCEEDED, 404 → 5 NOT_FOUND. The rest follow gRPC's
    /// own HTTP mapping: a missing or unknown API key (403 ForbiddenException) → 7, 400/431 → 3 INVALID_ARGUMENT
    /// (the request is malformed), 413 → 8 (a size limit), 408 → 4 (a deadline), anything else → 13 INTERNAL.
    init(_ error: GatewayError) {
        message = error.message
        switch error.errorType {
        case "MissingAuthenticationTokenException", "IncompleteSignatureException", "UnrecognizedClientException",
            "InvalidSignatureException":
            code = 16
        case "AccessDeniedException", "ForbiddenException":
            code = 7
        default:
            switch error.status.code {
            case 404: code = 5
            case 429, 413: code = 8
            case 502: code = 14
            case 504, 408: code = 4
            case 400, 431: code = 3
            default: code = 13
            }
        }
    }

    init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// `grpc-message` is percent-encoded (gRPC over HTTP/2): bytes outside printable ASCII, and `%`, are `%XX`.
    var encodedMessage: String {
        var out = ""
        for byte in message.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Whether a request is gRPC: its `content-type` is `application/grpc` or `application/grpc+...`/`-web...`.
    static func isGRPC(contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.lowercased().hasPrefix("application/grpc")
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
