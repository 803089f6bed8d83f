import Foundation
import GatehouseConfig
import IPNetwork
import SigV4
import Testing

@testable import GatehouseCore

/// The order of gates 3-6 for one request, without a connection: each test asserts which gate answers, with the
/// contract's exact error, and what the access record keeps of a refused head.
@Suite struct RequestPipelineTests {
    /// A head read through the pipeline's protocol-neutral view, as an HTTP/2 stream would give it.
    struct Head: GatedRequestHead {
        var fields: [(name: String, value: String)]

        func firstValue(_ lowercaseName: String) -> String? {
            fields.first { $0.name == lowercaseName }?.value
        }

        func withSigV4Request<R>(method: String, path: String, query: String?, _ body: (SigV4Request) -> R) -> R {
            body(SigV4Request(method: method, path: path, query: query, headers: fields))
        }
    }

    static let policy =
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","#
        + #""Resource":"execute-api:/*"},{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","#
        + #""Resource":"execute-api:/*/DELETE/*"}]}"#

    static func pipeline() throws -> RequestPipeline {
        let folder = FileManager.default.temporaryDirectory.path + "/gatehouse-pipeline-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(policy.utf8).write(to: URL(fileURLWithPath: folder + "/policy.json"))
        let text = """
            region: us-east-1
            account_id: "123456789012"
            listeners:
              - name: admin
                admin: true
                bind: 127.0.0.1:9901
            apis:
              - id: open000001
                name: open
                authorization: NONE
                policy: policy.json
                stages: {prod: {}}
                routes:
                  - route: "ANY /items/{id}"
                    integration: {type: MOCK, status: 200}
              - id: iam0000001
                name: iam
                authorization: AWS_IAM
                stages: {prod: {}}
                routes:
                  - route: "GET /items"
                    integration: {type: MOCK, status: 200}
            """
        let configuration = try ConfigurationLoader.load(
            text: text, file: "gatehouse.yaml", baseDirectory: folder, environment: [:]
        ).get()
        let snapshot = try SnapshotBuilder.build(configuration).get()
        let connection = ConnectionState(listener: "https", sourceIP: IPAddress("127.0.0.1")!, network: nil)
        return RequestPipeline(snapshot: snapshot, connection: connection)
    }

    static func head(api: String) -> Head {
        Head(fields: [(name: "host", value: "localhost"), (name: "x-apigw-api-id", value: api)])
    }

    private func refusal(
        _ pipeline: RequestPipeline, _ head: Head, method: String = "GET", target: String,
        framing: Result<RequestBodyFraming, RequestParseError> = .success(.none)
    ) -> RequestPipeline.Rejection? {
        guard
            case .failure(let rejection) = pipeline.admitHead(
                head, method: method, target: target, framing: framing, now: Date())
        else { return nil }
        return rejection
    }

    @Test func framingVerdictAnswersFirst() throws {
        let pipeline = try Self.pipeline()
        // Gate 3 before gate 4: the route does not exist either, but the framing answers.
        let rejection = refusal(
            pipeline, Self.head(api: "nope"), target: "/prod/nowhere", framing: .failure(.bodyTooLarge))
        #expect(rejection?.error == .requestTooLong)
        #expect(rejection?.api == nil)
    }

    @Test func invalidPathIs400AndUnknownRouteIs404KeepingItsAPI() throws {
        let pipeline = try Self.pipeline()
        #expect(
            refusal(pipeline, Self.head(api: "open000001"), target: "/prod/a%2Fb")?.error
                == .badRequest("Invalid request path"))
        let unknown = refusal(pipeline, Self.head(api: "open000001"), target: "/prod/nowhere?x=1")
        #expect(unknown?.error == .notFound)
        #expect(unknown?.api?.id == "open000001")
        #expect(unknown?.path?.decodedPath == "/prod/nowhere")
        #expect(refusal(pipeline, Self.head(api: "nope"), target: "/prod/items/1")?.error == .notFound)
    }

    @Test func unsignedRequestOnAnIAMRouteIsRefusedBeforeItsBody() throws {
        let pipeline = try Self.pipeline()
        let rejection = refusal(pipeline, Self.head(api: "iam0000001"), target: "/prod/items")
        #expect(rejection?.error == .missingAuthenticationToken)
        #expect(rejection?.match?.route.key == "GET /items")
    }

    @Test func bodyPhaseAppliesThePolicyAndPassesTheUsageHook() throws {
        let pipeline = try Self.pipeline()
        for (method, denied) in [("GET", false), ("DELETE", true)] {
            guard
                case .success(let admitted) = pipeline.admitHead(
                    Self.head(api: "open000001"), method: method, target: "/prod/items/7", framing: .success(.none),
                    now: Date())
            else {
                Issue.record("\(method) was refused at the head")
                continue
            }
            #expect(admitted.pendingSignature == nil)
            let verdict = pipeline.finish(admitted, method: method, bodySHA256Hex: nil, now: Date())
            #expect(verdict.principal == nil)
            if denied {
                #expect(verdict.refusal?.errorType == "AccessDeniedException")
                #expect(verdict.refusal?.message.hasSuffix("with an explicit deny") == true)
            } else {
                #expect(verdict.refusal == nil)
            }
        }
    }
}
