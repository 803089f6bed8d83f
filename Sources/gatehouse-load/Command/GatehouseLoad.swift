import ArgumentParser
import Foundation
import NIOCore
import NIOSSL
import Systemd

/// The load generator for Gatehouse benchmarks: HTTP/1.1 over mutual TLS (or plain HTTP for the upstream
/// baseline), closed-loop clients on a multi-threaded event loop group, HdrHistogram latencies, optional
/// per-request SigV4 signing. Loopback targets only.
@main
struct GatehouseLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-load",
        abstract: "Load generator for Gatehouse benchmarks (loopback targets only).",
        discussion: """
            Examples:
              gatehouse-load -c 32 -d 10 --cert c.pem --key k.pem --cacert ca.pem https://127.0.0.1:8443/prod/x
              gatehouse-load --new-connection -c 16 -d 5 --cert c.pem --key k.pem --cacert ca.pem https://127.0.0.1:8443/
              gatehouse-load --hold 1000 -d 20 --cert c.pem --key k.pem --cacert ca.pem https://127.0.0.1:8443/
            """
    )

    @Argument(help: "Target URL (http:// or https://), loopback only, e.g. https://127.0.0.1:8443/prod/ping.")
    var url: String

    @Option(name: [.customShort("c"), .long], help: "Concurrent connections (closed-loop clients).")
    var connections = 16

    @Option(name: [.customShort("d"), .long], help: "Seconds to run (default 10 unless -n is given; max 600).")
    var duration: Double?

    @Option(name: [.customShort("n"), .customLong("requests")], help: "Total requests to send.")
    var count: Int?

    @Option(name: [.customShort("t"), .long], help: "Event loop threads (default: the CPUs this process may use).")
    var threads: Int?

    @Flag(help: "Connection reuse.")
    var connectionMode: ConnectionMode = .keepAlive

    @Option(name: [.customShort("m"), .long], help: "HTTP method.")
    var method = "GET"

    @Option(name: [.customShort("H"), .customLong("header")], help: "Extra request header 'Name: value' (repeatable).")
    var headers: [String] = []

    @Option(help: "Request body.")
    var body: String?

    @Option(name: .customLong("body-file"), help: "Read the request body from this file.")
    var bodyFile: String?

    @Option(help: "Host header to send (default: host:port of the URL).")
    var host: String?

    @Option(help: "Client certificate chain (PEM) for mutual TLS.")
    var cert: String?

    @Option(help: "Client private key (PEM).")
    var key: String?

    @Option(help: "CA certificate(s) (PEM) the server's certificate must chain to.")
    var cacert: String?

    @Option(name: .customLong("tls-min"), help: "Minimum TLS version: 1.2 or 1.3.")
    var tlsMinimum = "1.2"

    @Option(help: "Sign every request with AWS SigV4 using these credentials, as AKID:SECRET.")
    var sigv4: String?

    @Option(help: "SigV4 region.")
    var region = "us-east-1"

    @Option(help: "SigV4 service name.")
    var service = "execute-api"

    @Option(name: .customLong("session-token"), help: "SigV4 session token (sent as X-Amz-Security-Token).")
    var sessionToken: String?

    @Option(help: "Seconds to wait for a complete response (or an established connection in hold mode).")
    var timeout = 10.0

    @Option(help: "Hold mode: open this many idle connections and keep them for --duration seconds.")
    var hold: Int?

    @Option(name: .customLong("hold-concurrency"), help: "Hold mode: connections being opened at a time.")
    var holdConcurrency = 64

    @Flag(name: .customLong("hold-handshake-only"), help: "Hold mode: do not send one request on each connection.")
    var holdHandshakeOnly = false

    @Option(name: .customLong("ready-file"), help: "Hold mode: write the number held to this file once established.")
    var readyFile: String?

    @Flag(
        name: .customLong("http2"),
        help: "Speak HTTP/2 (ALPN h2 only): each connection carries one request at a time, each on a new stream.")
    var http2 = false

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        do {
            _ = try LoadTarget(url: url)
        } catch {
            throw ValidationError(error.description)
        }
        guard (1...Limits.maxConnections).contains(connections) else {
            throw ValidationError("-c must be from 1 to \(Limits.maxConnections)")
        }
        if let duration {
            guard duration > 0, duration <= Limits.maxDurationSeconds else {
                throw ValidationError("--duration must be more than 0 and at most \(Int(Limits.maxDurationSeconds)) s")
            }
        }
        if let count {
            guard (1...Limits.maxRequests).contains(count) else {
                throw ValidationError("-n must be from 1 to \(Limits.maxRequests)")
            }
        }
        if let threads {
            guard (1...Limits.maxThreads).contains(threads) else {
                throw ValidationError("--threads must be from 1 to \(Limits.maxThreads)")
            }
        }
        guard timeout > 0, timeout <= Limits.maxTimeoutSeconds else {
            throw ValidationError("--timeout must be more than 0 and at most \(Int(Limits.maxTimeoutSeconds)) s")
        }
        guard tlsMinimum == "1.2" || tlsMinimum == "1.3" else {
            throw ValidationError("--tls-min must be 1.2 or 1.3")
        }
        guard body == nil || bodyFile == nil else {
            throw ValidationError("give --body or --body-file, not both")
        }
        if let hold {
            guard (1...Limits.maxHeld).contains(hold) else {
                throw ValidationError("--hold must be from 1 to \(Limits.maxHeld)")
            }
            guard count == nil else { throw ValidationError("--hold runs for --duration; -n does not apply") }
            guard connectionMode == .keepAlive else {
                throw ValidationError("--hold keeps connections open; --new-connection does not apply")
            }
            guard (1...1000).contains(holdConcurrency) else {
                throw ValidationError("--hold-concurrency must be from 1 to 1000")
            }
        }
        if let sigv4 {
            guard let colon = sigv4.firstIndex(of: ":"), colon != sigv4.startIndex,
                sigv4.index(after: colon) != sigv4.endIndex
            else {
                throw ValidationError("--sigv4 takes AKID:SECRET")
            }
        }
        if http2 {
            guard url.lowercased().hasPrefix("https://") else {
                throw ValidationError("--http2 needs an https:// target (h2 is negotiated by ALPN)")
            }
            guard hold == nil, connectionMode == .keepAlive else {
                throw ValidationError("--http2 measures keep-alive runs; --hold and --new-connection do not apply")
            }
        }
        if cert != nil || key != nil || cacert != nil, !url.lowercased().hasPrefix("https://") {
            throw ValidationError("--cert, --key and --cacert apply to https:// targets only")
        }
    }

    func run() async throws {
        let target = try LoadTarget(url: url)
        let tlsContext: NIOSSLContext? =
            target.scheme == .https
            ? try ClientTLS.makeContext(
                certificatePath: cert,
                keyPath: key,
                caPath: cacert,
                minimumVersion: tlsMinimum == "1.3" ? .tlsv13 : .tlsv12,
                http2: http2
            ) : nil
        let bodyBytes = try readBody()
        let template = try RequestTemplate(
            method: method,
            target: target,
            hostHeader: host,
            headerLines: headers,
            body: bodyBytes,
            closeConnection: connectionMode == .newConnection,
            signer: try makeSigner(body: bodyBytes ?? [])
        )
        let timeoutAmount = TimeAmount.nanoseconds(Int64(timeout * 1e9))
        let settings = WorkerSettings(
            connector: Connector(
                address: try target.socketAddress(),
                tlsContext: tlsContext,
                serverName: target.serverName,
                connectTimeout: timeoutAmount,
                http2: http2
            ),
            template: template,
            keepAlive: connectionMode == .keepAlive,
            requestTimeout: timeoutAmount,
            budget: count.map(RequestBudget.init(count:))
        )
        let runner = LoadRunner(
            settings: settings,
            threads: threads ?? CPUAffinity.usableCoreCount(fallback: System.coreCount),
            targetDescription: url
        )
        let seconds =
            duration ?? (count == nil || hold != nil ? Limits.defaultDurationSeconds : Limits.maxDurationSeconds)
        let runDuration = TimeAmount.nanoseconds(Int64(seconds * 1e9))

        let report: LoadReport
        if let hold {
            let readyFile = self.readyFile
            let quiet = json
            report = try await runner.hold(
                count: hold,
                concurrency: holdConcurrency,
                duration: runDuration,
                sendRequest: !holdHandshakeOnly
            ) { established in
                if !quiet {
                    FileHandle.standardError.write(
                        Data("holding \(established) of \(hold) connections for \(seconds) s\n".utf8)
                    )
                }
                if let readyFile {
                    try "\(established)\n".write(toFile: readyFile, atomically: true, encoding: .utf8)
                }
            }
        } else {
            report = try await runner.run(connections: connections, duration: runDuration)
        }
        print(json ? report.json() : report.text())

        let succeeded = hold != nil ? (report.hold?.established ?? 0) > 0 : report.successes > 0
        if !succeeded {
            throw ExitCode.failure
        }
    }

    private func readBody() throws(LoadError) -> [UInt8]? {
        if let body {
            return Array(body.utf8)
        }
        guard let bodyFile else { return nil }
        guard let data = FileManager.default.contents(atPath: bodyFile) else {
            throw .unreadableFile(bodyFile, reason: "no such readable file")
        }
        guard data.count <= Limits.maxBodyBytes else {
            throw .unreadableFile(bodyFile, reason: "larger than \(Limits.maxBodyBytes) bytes")
        }
        return Array(data)
    }

    private func makeSigner(body: [UInt8]) throws(LoadError) -> (any RequestSigning)? {
        guard let sigv4 else { return nil }
        let colon = sigv4.firstIndex(of: ":")!
        return try SigV4RequestSigner(
            accessKeyID: String(sigv4[..<colon]),
            secretAccessKey: String(sigv4[sigv4.index(after: colon)...]),
            sessionToken: sessionToken,
            region: region,
            service: service,
            body: body
        )
    }
}
