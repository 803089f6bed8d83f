import Foundation
import SigV4

/// Reads a fuzz input as a request in the AWS test vectors' text layout: `METHOD TARGET HTTP/1.1`, then
/// `Name:value` lines (a line starting with a space or tab continues the value before it), an empty line, the body.
/// Any bytes give some request, so mutations of a vector stay requests.
enum FuzzRequestText {
    static func parse(_ input: [UInt8]) -> (request: SigV4Request, body: [UInt8]) {
        var lines: [Substring] = []
        var body: [UInt8] = []
        var start = 0
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start && input[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if end == start && !lines.isEmpty {
                    body = Array(input[(index + 1)...])
                    start = input.count
                    break
                }
                lines.append(String(decoding: input[start..<end], as: UTF8.self)[...])
                start = index + 1
            }
            index += 1
        }
        if start < input.count { lines.append(String(decoding: input[start...], as: UTF8.self)[...]) }

        let requestLine = lines.first ?? ""
        let parts = requestLine.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let method = String(parts.first ?? "")
        var target = parts.count > 1 ? parts[1] : ""
        if let version = target.range(of: " HTTP/", options: .backwards) { target = target[..<version.lowerBound] }
        let question = target.firstIndex(of: "?")
        let path = String(target[..<(question ?? target.endIndex)])
        let query = question.map { String(target[target.index(after: $0)...]) }

        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + String(line.drop { $0 == " " || $0 == "\t" })
                continue
            }
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            let value = colon < line.endIndex ? line[line.index(after: colon)...] : ""
            headers.append((String(line[..<colon]), String(value.drop { $0 == " " })))
        }
        return (SigV4Request(method: method, path: path, query: query, headers: headers), body)
    }

    /// Whether `Authorization` names one of its fields twice, or the query one `X-Amz-*` parameter twice.
    static func repeatsSignatureField(_ request: SigV4Request) -> Bool {
        for header in request.headers where header.name.lowercased() == "authorization" {
            let fields = header.value.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
            // Only the fields the contract names; the verifier ignores other parameters, as AWS does.
            let names = fields.split(separator: ",").map { $0.drop { $0 == " " }.prefix { $0 != "=" } }
                .filter { ["Credential", "SignedHeaders", "Signature"].contains($0) }
            if Set(names).count != names.count { return true }
        }
        // The presigned form's parameters, read only when the query carries a signature.
        let presigned = Set(PresignedQueryParameters.names.map { $0.description })
        let names = (request.query ?? "").split(separator: "&").map { String($0.prefix { $0 != "=" }) }
            .filter { presigned.contains($0) }
        return names.contains("X-Amz-Signature") && Set(names).count != names.count
    }
}
