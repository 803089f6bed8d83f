import NIOCore
import NIOHTTP1
import Testing

@testable import GatehouseCore

/// The contract's mapping of gateway errors to gRPC statuses (section 9), the `grpc-message` encoding, and
/// `grpc-timeout` parsing.
@Suite struct GRPCStatusTests {
    @Test(arguments: [
        (GatewayError.missingAuthenticationToken, 16),
        (GatewayError.incompleteSignature("Credential should be scoped correctly"), 16),
        (GatewayError.unrecognizedClient, 16),
        (GatewayError.signatureMismatch, 16),
        (GatewayError.invalidSignature("Signature expired: 20200101T000000Z"), 16),
        (GatewayError.accessDenied("User: anonymous is not authorized"), 7),
        (GatewayError(status: .forbidden, errorType: "ForbiddenException", message: "Forbidden"), 7),
        (
            GatewayError(status: .tooManyRequests, errorType: "TooManyRequestsException", message: "Too Many Requests"),
            8
        ),
        (GatewayError(status: .tooManyRequests, errorType: "LimitExceededException", message: "Limit Exceeded"), 8),
        (GatewayError.badGateway, 14),
        (GatewayError.integrationTimeout, 4),
        (GatewayError.notFound, 5),
        (GatewayError.requestTooLong, 8),
        (GatewayError.requestTimeout, 4),
        (GatewayError.badRequest("Invalid request path"), 3),
        (GatewayError.headersTooLarge, 3),
        (GatewayError(status: .internalServerError, errorType: "InternalServerErrorException", message: "x"), 13),
    ])
    func mapping(error: GatewayError, code: Int) {
        #expect(GRPCStatus(error).code == code, "\(error.errorType)")
        #expect(GRPCStatus(error).message == error.message)
    }

    @Test func messageIsPercentEncoded() {
        #expect(GRPCStatus(code: 7, message: "100% sûr\n").encodedMessage == "100%25 s%C3%BBr%0A")
        #expect(GRPCStatus(code: 5, message: "Not Found").encodedMessage == "Not Found")
    }

    @Test func grpcContentTypes() {
        #expect(GRPCStatus.isGRPC(contentType: "application/grpc"))
        #expect(GRPCStatus.isGRPC(contentType: "Application/GRPC+proto"))
        #expect(GRPCStatus.isGRPC(contentType: "application/grpc-web+proto"))
        #expect(!GRPCStatus.isGRPC(contentType: "application/json"))
        #expect(!GRPCStatus.isGRPC(contentType: nil))
    }

    @Test func timeoutUnitsAndBounds() {
        #expect(GRPCTimeout.parse("200m") == .milliseconds(200))
        #expect(GRPCTimeout.parse("10S") == .seconds(10))
        #expect(GRPCTimeout.parse("1H") == .hours(1))
        #expect(GRPCTimeout.parse("2M") == .minutes(2))
        #expect(GRPCTimeout.parse("1500u") == .microseconds(1500))
        #expect(GRPCTimeout.parse("99999999n") == .nanoseconds(99_999_999))
        #expect(GRPCTimeout.parse("123456789m") == nil, "at most 8 digits")
        #expect(GRPCTimeout.parse("m") == nil)
        #expect(GRPCTimeout.parse("10s") == nil)
        #expect(GRPCTimeout.parse("-1S") == nil)
        #expect(GRPCTimeout.headerValue(.milliseconds(1500)) == "1500m")
        #expect(GRPCTimeout.headerValue(.microseconds(10)) == "1m")
    }
}
