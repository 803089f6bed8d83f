/// Names a certificate's place in a chain for messages: "client", "intermediate CA" or "trust anchor".
enum CertificateRole {
    static func name(index: Int, count: Int) -> String {
        if index == 0 { return "client" }
        if index == count - 1 { return "trust anchor" }
        return "intermediate CA"
    }
}
