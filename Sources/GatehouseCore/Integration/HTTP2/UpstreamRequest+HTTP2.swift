import NIOHPACK

extension UpstreamRequest {
    /// The request as HTTP/2 HEADERS: `:method`, `:scheme`, `:authority` (Gatehouse's `host`), `:path`, then
    /// Gatehouse's headers and the client's forwarded fields with lower-case names (HTTP/2 requires it), `te:
    /// trailers` (gRPC requires it; the client's `TE` is hop-by-hop and was dropped), and `grpc-timeout` set to the
    /// deadline Gatehouse applies when there is one (replacing the client's).
    func http2Headers(scheme: String, grpcTimeout: String?) -> HPACKHeaders {
        var out = HPACKHeaders()
        out.reserveCapacity(headers.count + forwardedFields.count + 6)
        out.add(name: ":method", value: method.rawValue)
        out.add(name: ":scheme", value: scheme)
        out.add(name: ":authority", value: headers.first { $0.name == "host" }?.value ?? "localhost")
        out.add(name: ":path", value: uri)
        for header in headers where header.name != "host" {
            out.add(name: header.name.lowercased(), value: header.value)
        }
        if let clientHead {
            for index in forwardedFields {
                let name = clientHead.name(index).lowercased()
                if grpcTimeout != nil && name == "grpc-timeout" { continue }
                out.add(name: name, value: clientHead.valueString(index))
            }
        }
        out.add(name: "te", value: "trailers")
        if let grpcTimeout { out.add(name: "grpc-timeout", value: grpcTimeout) }
        return out
    }
}
