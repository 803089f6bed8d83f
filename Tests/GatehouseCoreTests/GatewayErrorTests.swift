import Testing

@testable import GatehouseCore

@Suite struct GatewayErrorTests {
    @Test func contractTable() {
        #expect(GatewayError.notFound.status.code == 404)
        #expect(GatewayError.notFound.errorType == "NotFoundException")
        #expect(GatewayError.notFound.jsonBody == #"{"message":"Not Found"}"#)
        #expect(GatewayError.missingAuthenticationToken.message == "Missing Authentication Token")
        #expect(GatewayError.unrecognizedClient.message == "The security token included in the request is invalid.")
        #expect(GatewayError.requestTooLong.status.code == 413)
        #expect(GatewayError.requestTooLong.errorType == "RequestEntityTooLargeException")
        #expect(GatewayError.badGateway.errorType == "BadGatewayException")
        #expect(GatewayError.integrationTimeout.message == "Endpoint request timed out")
        #expect(GatewayError.headersTooLarge.status.code == 431)
    }

    @Test func escapesJSON() {
        let error = GatewayError.accessDenied("a \"quoted\" \\ line\nnext\u{1}")
        #expect(error.jsonBody == #"{"message":"a \"quoted\" \\ line\nnext\u0001"}"#)
    }
}
