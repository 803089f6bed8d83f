/// What a route does with a request that passed authentication and policy.
public enum Integration: Hashable, Sendable {
    case httpProxy(HTTPProxyIntegration)
    case mock(MockIntegration)
}
