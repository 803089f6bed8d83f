// Micro-benchmark (not a test): one complete header-form verification with a warm key cache, both phases,
// for SigV4 (string fields, and the gateway's block of head bytes with a 20-character key id) and SigV4a.
// Usage: gatehouse-sigv4-bench [v4-iterations] [v4a-iterations]   (0 skips that algorithm)
//
// CPU time on a shared machine is noisy; instruction counts are not. To count instructions per verification,
// run callgrind twice and take the difference (start-up and warm-up cancel out). Valgrind cannot read Swift's
// DWARF 5, so strip the debug info from a copy first:
//   cp .build-sigv4rel/release/gatehouse-sigv4-bench /tmp/bench && strip --strip-debug /tmp/bench
//   valgrind --tool=callgrind --callgrind-out-file=cg.1000 /tmp/bench 1000 0
//   valgrind --tool=callgrind --callgrind-out-file=cg.11000 /tmp/bench 11000 0
//   per verification = (Ir(11000) - Ir(1000)) / 10000;  callgrind_annotate cg.11000 | swift demangle --simplified
// For line-level annotation build with `-Xswiftc -g -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4` instead.
import SigV4

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = CommandLine.arguments
let v4Iterations = arguments.count > 1 ? Int(arguments[1]) ?? 200_000 : 200_000
let v4aIterations = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000

let accessKeyID = "AKIDBENCHMARK"
let secret = "bench/Secret+Key==0123456789abcdef"
/// A key id of AWS's length (20 characters): too long for a small `String`, as in the gateway.
let longAccessKeyID = "AKIAIOSFODNN7EXAMPLE"
let identity = SigV4Identity(accessKeyID: accessKeyID, secretAccessKey: secret)
let longIdentity = SigV4Identity(accessKeyID: longAccessKeyID, secretAccessKey: secret)
let verifier = SigV4Verifier(region: "us-east-1") {
    $0 == accessKeyID ? identity : $0 == longAccessKeyID ? longIdentity : nil
}
/// The gateway's verifier: the identities in a table, read by the key id's bytes, the day's key kept with each.
let gatewayVerifier = SigV4Verifier(region: "us-east-1", identities: SigV4IdentityTable([identity, longIdentity]))
let now = 1_440_938_160  // 2015-08-30T12:36:00Z
let emptyHash = SigV4Canonical.emptyPayloadHash

/// A typical API call: a few headers, a short path and query, as an SDK sends it.
func request(signedBy algorithm: SigV4Algorithm, keyID: String = accessKeyID) -> SigV4Request {
    var request = SigV4Request(
        method: "GET",
        path: "/prod/users/42/orders",
        query: "limit=10&status=open",
        headers: [
            ("Host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"),
            ("Accept", "application/json"),
            ("User-Agent", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux lang/python#3.11.7"),
            ("Content-Type", "application/json"),
        ]
    )
    let signer = SigV4Signer(
        accessKeyID: keyID, secretAccessKey: secret, region: "us-east-1", algorithm: algorithm
    )
    request.headers += signer.headersToAdd(for: request, bodySHA256Hex: emptyHash, now: now)
    return request
}

func measure(_ label: String, _ request: SigV4Request, iterations: Int, verifier: SigV4Verifier = verifier) {
    guard iterations > 0 else { return }
    // Warm the key cache and check the request verifies at all.
    guard case .success = verifier.verify(request, bodySHA256Hex: emptyHash, now: now) else {
        print("\(label): request does not verify")
        return
    }
    var verified = 0
    let clock = ContinuousClock()
    let cpuStart = processCPUNanoseconds()
    let start = clock.now
    for _ in 0..<iterations {
        if case .success = verifier.verify(request, bodySHA256Hex: emptyHash, now: now) { verified += 1 }
    }
    let elapsed = clock.now - start
    let cpuPerOperation = Double(processCPUNanoseconds() - cpuStart) / Double(iterations)
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    let perOperation = nanoseconds / Double(iterations)
    let formatted = (perOperation / 10).rounded() / 100
    print(
        "\(label): \(iterations) verifications, wall \(Int(perOperation.rounded())) ns/op (\(formatted) µs/op), "
            + "CPU \(Int(cpuPerOperation.rounded())) ns/op (\((cpuPerOperation / 10).rounded() / 100) µs/op)"
    )
    precondition(verified == iterations)
}

measure("SigV4  header form", request(signedBy: .hmacSHA256), iterations: v4Iterations)
/// What the gateway hands the verifier: the fields as ranges of the head's bytes (so `Authorization` and
/// `X-Amz-Date` are read out of bytes) and a 20-character key id; then also with the gateway's identity table.
var gatewayRequest = request(signedBy: .hmacSHA256, keyID: longAccessKeyID)
gatewayRequest.fields = gatewayRequest.fields.inBlockForm
measure("SigV4  header form, gateway's block of bytes", gatewayRequest, iterations: v4Iterations)
measure(
    "SigV4  header form, gateway's block of bytes and identity table", gatewayRequest, iterations: v4Iterations,
    verifier: gatewayVerifier)
measure("SigV4a header form", request(signedBy: .ecdsaP256SHA256), iterations: v4aIterations)

/// CPU time of this process: on a shared machine wall time mostly measures the other tenants.
func processCPUNanoseconds() -> Int {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return spec.tv_sec * 1_000_000_000 + spec.tv_nsec
}
