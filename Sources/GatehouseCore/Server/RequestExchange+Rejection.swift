extension RequestExchange {
    /// A head `RequestPipeline` refused, whatever protocol carried it: keeps what the request matched for its access
    /// record and metrics, and counts a 403 on a matched route as an authentication failure.
    func noteRejection(_ rejection: RequestPipeline.Rejection, observer: GatewayObserver) {
        rejectedMatch = rejection.match
        rejectedAPI = rejection.api
        normalizedPath = rejection.path
        if let match = rejection.match, rejection.error.status == .forbidden {
            observer.authenticationFailed(apiID: match.api.id, reason: rejection.error.errorType)
        }
    }
}
