import SigV4

/// A request as written in the AWS suites' text files: `METHOD TARGET HTTP/1.1`, `Name:value` lines, folded
/// continuation lines, an optional empty line and body. The target may contain literal spaces (`get-space`), so
/// the request line is split at the first space and before the final ` HTTP/1.1`, as aws-c-auth does.
struct RawHTTPRequest {
    var method: String
    var path: String
    var query: String?
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let requestLine = lines.first, let firstSpace = requestLine.firstIndex(of: " ") else {
            throw ParseError(reason: "no request line")
        }
        method = String(requestLine[..<firstSpace])
        var target = requestLine[requestLine.index(after: firstSpace)...]
        if target.hasSuffix(" HTTP/1.1") { target = target.dropLast(" HTTP/1.1".count) }
        if let question = target.firstIndex(of: "?") {
            path = String(target[..<question])
            query = String(target[target.index(after: question)...])
        } else {
            path = String(target)
            query = nil
        }
        headers = []
        body = []
        var index = 1
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty {
                body = Array(lines[index...].joined(separator: "\n").utf8)
                break
            }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                // Obsolete line folding: the continuation joins the previous value with one space.
                let continuation = line.drop { $0 == " " || $0 == "\t" }
                headers[headers.count - 1].value += " " + continuation
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(reason: "bad header line \(line)") }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
    }

    var sigV4Request: SigV4Request {
        SigV4Request(method: method, path: path, query: query, headers: headers)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    struct ParseError: Error {
        var reason: String
    }
}
