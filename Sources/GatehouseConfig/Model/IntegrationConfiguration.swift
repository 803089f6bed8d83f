/// What a route does with a request that passed authentication and policy.
public enum IntegrationConfiguration: Hashable, Sendable {
    case httpProxy(HTTPProxyIntegrationConfiguration)
    case mock(MockIntegrationConfiguration)
}
