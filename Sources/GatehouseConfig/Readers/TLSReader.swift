import Yams

/// Reads a listener's `tls` mapping; every file it names must exist and be readable.
struct TLSReader {
    static let knownKeys = ["certificate", "private_key", "client_ca", "client_crl", "allowed_clients", "min_version"]

    let context: LoadContext

    func read(_ node: Node, listenerOwner: String) -> ListenerTLSConfiguration? {
        let owner = "in \"tls\" of " + listenerOwner.dropFirst("in ".count)
        guard let fields = context.fields(of: node, owner: owner, known: Self.knownKeys) else {
            return nil
        }
        let certificate = context.file(fields, "certificate", required: true)
        let privateKey = context.file(fields, "private_key", required: true)
        let clientCA = context.file(fields, "client_ca", required: true)
        let clientCRL = context.file(fields, "client_crl", required: false)
        let allowedClients = context.stringList(fields, "allowed_clients").map(\.text)
        let minimumVersion = readMinimumVersion(fields)
        guard let certificate, let privateKey, let clientCA, let minimumVersion else {
            return nil
        }
        return ListenerTLSConfiguration(
            certificate: certificate,
            privateKey: privateKey,
            clientCA: clientCA,
            clientCRL: clientCRL,
            allowedClients: allowedClients,
            minimumVersion: minimumVersion,
            location: context.location(of: node)
        )
    }

    /// `min_version` is `"1.2"` or `"1.3"`; an unquoted `1.2` (a YAML float) is accepted as the same.
    private func readMinimumVersion(_ fields: MappingFields) -> TLSMinimumVersion? {
        guard let node = fields.present("min_version") else {
            return .tls12
        }
        guard let text = context.text(of: node, what: "\"min_version\" \(fields.owner)") else {
            return nil
        }
        guard let version = TLSMinimumVersion(rawValue: text) else {
            context.report("\"min_version\" \(fields.owner) must be \"1.2\" or \"1.3\", found \"\(text)\"", at: node)
            return nil
        }
        return version
    }
}
