/// Configuration texts shared by the suites.
enum Configurations {
    /// The contract's example, with paths under the fixture folder.
    static let contractExample = """
        region: us-east-1              # SigV4 signing region; service name is always execute-api
        account_id: "123456789012"     # used in execute-api ARNs
        log_target: auto
        max_clock_skew: 300
        drain_timeout: 30
        limits:
          max_body_bytes: 10485760
          max_header_bytes: 32768
          header_timeout: 10
          idle_timeout: 60
          max_connections: 10000

        listeners:
          - name: https
            bind: 127.0.0.1:8443
            tls:
              certificate: certs/dev/server.pem
              private_key: certs/dev/server-key.pem
              client_ca: certs/dev/ca.pem
              client_crl: null
              allowed_clients: []
              min_version: "1.2"
            allow_sources: [vpce-dev]
            proxy_protocol: false
            trusted_proxies: []
            allow_public_bind: false
          - name: admin
            admin: true
            bind: 127.0.0.1:9901

        networks:
          - id: vpce-dev
            vpc: vpc-dev
            cidrs: [127.0.0.0/8, "::1/128"]

        identities:
          - access_key_id: AKIDEXAMPLE
            secret_access_key_file: certs/dev/AKIDEXAMPLE.secret
            principal: arn:aws:iam::123456789012:user/alice
            session_token: null
            tags: {team: payments}

        apis:
          - id: a1b2c3d4e5
            name: orders
            hosts: [orders.internal]
            authorization: AWS_IAM
            policy: policies/orders.json
            stages:
              prod:
                variables: {backend: "http://127.0.0.1:9000"}
            routes:
              - route: "GET /users/{id}"
                integration: {type: HTTP_PROXY, uri: "${stageVariables.backend}/users/{id}", timeout_ms: 29000}
              - route: "ANY /{proxy+}"
                integration: {type: HTTP_PROXY, uri: "http://127.0.0.1:9000/{proxy}"}
              - route: "GET /ping"
                authorization: NONE
                integration: {type: MOCK, status: 200, headers: {content-type: application/json}, body: '{"pong":true}'}

        """

    /// The smallest valid configuration: one TLS listener, no networks, identities or apis.
    static let minimal = """
        region: us-east-1
        account_id: "123456789012"
        listeners:
          - name: https
            bind: 127.0.0.1:8443
            tls:
              certificate: certs/dev/server.pem
              private_key: certs/dev/server-key.pem
              client_ca: certs/dev/ca.pem

        """

    /// `minimal` plus an api whose body is given (indented under `apis:`).
    static func withAPI(_ api: String) -> String {
        minimal + "apis:\n" + api
    }

    /// `minimal` with the listener list replaced.
    static func withListeners(_ listeners: String, networks: String = "") -> String {
        """
        region: us-east-1
        account_id: "123456789012"
        listeners:

        """ + listeners + networks
    }

    static let tls = """
            tls:
              certificate: certs/dev/server.pem
              private_key: certs/dev/server-key.pem
              client_ca: certs/dev/ca.pem

        """
}
