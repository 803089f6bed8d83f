/// Every fuzz target. Adding one is a file in `Targets/` and a line here (plus its seed corpus folder).
enum FuzzTargets {
    static let all: [FuzzTarget] = [
        ProxyProtocolFuzzTarget.target,
        NormalizedPathFuzzTarget.target,
        SigV4FuzzTarget.target,
        PolicyFuzzTarget.target,
        ConfigurationFuzzTarget.target,
        RequestDecoderFuzzTarget.target,
        ResponseDecoderFuzzTarget.target,
        HTTP2FramesFuzzTarget.target,
    ]

    static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
