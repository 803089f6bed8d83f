import GatehouseConfig
import NIOHTTP1

/// The contract's error table in one place: every response Gatehouse makes up itself is one of these, so the
/// status, `x-amzn-ErrorType` and message a client sees can only come from here.
public struct GatewayError: Error, Sendable, Equatable {
    public let status: HTTPResponseStatus
    /// The value of `x-amzn-ErrorType`.
    public let errorType: String
    public let message: String
    /// Whether the connection must be closed after the answer (framing errors leave the stream unparseable).
    public let closesConnection: Bool

    public init(status: HTTPResponseStatus, errorType: String, message: String, closesConnection: Bool = false) {
        self.status = status
        self.errorType = errorType
        self.message = message
        self.closesConnection = closesConnection
    }

    public static let notFound = GatewayError(status: .notFound, errorType: "NotFoundException", message: "Not Found")

    public static let missingAuthenticationToken = GatewayError(
        status: .forbidden, errorType: "MissingAuthenticationTokenException", message: "Missing Authentication Token")

    public static func incompleteSignature(_ message: String) -> GatewayError {
        GatewayError(status: .forbidden, errorType: "IncompleteSignatureException", message: message)
    }

    public static let unrecognizedClient = GatewayError(
        status: .forbidden, errorType: "UnrecognizedClientException",
        message: "The security token included in the request is invalid.")

    public static let signatureMismatch = GatewayError(
        status: .forbidden, errorType: "InvalidSignatureException",
        message:
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            + "Access Key and signing method. Consult the service documentation for details.")

    /// Expired or not-yet-current signatures; the message carries AWS's wording with the times involved.
    public static func invalidSignature(_ message: String) -> GatewayError {
        GatewayError(status: .forbidden, errorType: "InvalidSignatureException", message: message)
    }

    public static func accessDenied(_ message: String) -> GatewayError {
        GatewayError(status: .forbidden, errorType: "AccessDeniedException", message: message)
    }

    /// Gate 7: the route requires an API key and `x-api-key` is missing, unknown, disabled or in no plan of the stage.
    public static let forbidden = GatewayError(status: .forbidden, errorType: "ForbiddenException", message: "Forbidden")

    /// Gate 8: a throttle has no token left.
    public static let tooManyRequests = GatewayError(
        status: .tooManyRequests, errorType: "TooManyRequestsException", message: "Too Many Requests")

    /// Gate 8: the consumer's quota for this period is used up.
    public static let limitExceeded = GatewayError(
        status: .tooManyRequests, errorType: "LimitExceededException", message: "Limit Exceeded")

    /// Gate 8: the state store is unreachable and `on_store_failure: closed` (contract section 8).
    public static let serviceUnavailable = GatewayError(
        status: .serviceUnavailable, errorType: "ServiceUnavailableException", message: "Service Unavailable")

    public static let requestTooLong = GatewayError(
        status: .payloadTooLarge, errorType: "RequestEntityTooLargeException", message: "Request Too Long",
        closesConnection: true)

    public static let badGateway = GatewayError(
        status: .badGateway, errorType: "BadGatewayException", message: "Bad Gateway")

    public static let integrationTimeout = GatewayError(
        status: .gatewayTimeout, errorType: "IntegrationTimeoutException", message: "Endpoint request timed out")

    public static func badRequest(_ message: String) -> GatewayError {
        GatewayError(status: .badRequest, errorType: "BadRequestException", message: message, closesConnection: true)
    }

    public static let headersTooLarge = GatewayError(
        status: .init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"),
        errorType: "RequestHeaderFieldsTooLargeException", message: "Request Header Fields Too Large",
        closesConnection: true)

    public static let requestTimeout = GatewayError(
        status: .requestTimeout, errorType: "RequestTimeoutException", message: "Request Timeout",
        closesConnection: true)

    /// The JSON body `{"message": "..."}`, escaped per RFC 8259.
    public var jsonBody: String {
        "{\"message\":\(JSONText.quoted(message))}"
    }
}
