// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-load", targets: ["gatehouse-load"]),
        .executable(name: "gatehouse-sigv4-bench", targets: ["gatehouse-sigv4-bench"]),
        .library(name: "GatehouseCore", targets: ["GatehouseCore"]),
        .library(name: "SigV4", targets: ["SigV4"]),
        .library(name: "AccessPolicy", targets: ["AccessPolicy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // Small pure byte helpers shared by every parser: ASCII rules, hex, civil dates, the wildcard matcher.
        .target(name: "GatehouseBytes"),
        // Pure AWS Signature V4 / V4a verification: no networking, so it is testable against the AWS suites alone.
        .target(
            name: "SigV4",
            dependencies: [
                "GatehouseBytes",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // IP addresses and CIDR blocks: allowlists, internal-address rule, policy IpAddress conditions.
        .target(name: "IPNetwork"),
        // Pure IAM resource-policy model, parser and evaluator.
        .target(name: "AccessPolicy", dependencies: ["GatehouseBytes", "IPNetwork"]),
        // Configuration file model, YAML loading with positions, validation into a snapshot description.
        .target(
            name: "GatehouseConfig",
            dependencies: [
                "GatehouseBytes",
                "IPNetwork",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Dev PKI, client-certificate verification (chain, EKU, CRL, allowed_clients), client identity.
        .target(
            name: "GatehousePKI",
            dependencies: [
                "GatehouseBytes",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA signature checks for CRLs signed by RSA CAs (swift-certificates already depends on it).
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // libsystemd, linked through pkg-config.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        // Thin Swift API over libsystemd: socket activation, notify, watchdog, journald LogHandler.
        .target(
            name: "Systemd",
            dependencies: [
                "GatehouseBytes",
                "CSystemd",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Usage state: quota counts kept locally and merged in batches into SQLite (default) or PostgreSQL (fleets).
        .target(
            name: "GatehouseState",
            dependencies: [
                "GatehouseBytes",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The gateway: listeners, the pipeline of gates, forwarding, metrics.
        .target(
            name: "GatehouseCore",
            dependencies: [
                "GatehouseBytes",
                "SigV4",
                "IPNetwork",
                "AccessPolicy",
                "GatehouseConfig",
                "GatehousePKI",
                "Systemd",
                "GatehouseState",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "GatehouseCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "gatehouse-load",
            dependencies: [
                "GatehouseBytes",
                "IPNetwork",
                "Systemd",
                "SigV4",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The benchmark's floor: NIO + NIOSSL + a byte relay, no gateway (Benchmarks/README.md, "The floor").
        .executableTarget(
            name: "gatehouse-floor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "gatehouse-sigv4-bench",
            dependencies: ["SigV4"]
        ),
        // Fuzz harnesses (scripts/fuzz builds them with libFuzzer and ASan); the ordinary build replays the
        // committed corpora in Tests/Fuzz/Corpus through the same harnesses.
        .executableTarget(
            name: "gatehouse-fuzz",
            dependencies: [
                "SigV4",
                "IPNetwork",
                "AccessPolicy",
                "GatehouseConfig",
                "GatehouseCore",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "GatehouseBytesTests", dependencies: ["GatehouseBytes"]),
        // The AWS test vectors in Tests/SigV4Tests/Vectors are read from disk by path, not built as resources.
        .testTarget(name: "SigV4Tests", dependencies: ["GatehouseBytes", "SigV4"], exclude: ["Vectors"]),
        .testTarget(
            name: "GatehouseLoadTests",
            dependencies: [
                "gatehouse-load",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "IPNetworkTests", dependencies: ["IPNetwork"]),
        .testTarget(name: "AccessPolicyTests", dependencies: ["AccessPolicy", "GatehouseBytes"]),
        .testTarget(name: "GatehouseConfigTests", dependencies: ["GatehouseConfig"]),
        .testTarget(name: "GatehousePKITests", dependencies: ["GatehouseBytes", "GatehousePKI"]),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd"]),
        .testTarget(name: "GatehouseCoreTests", dependencies: ["GatehouseCore"]),
        .testTarget(
            name: "GatehouseStateTests",
            dependencies: ["GatehouseState", "GatehouseBytes", .product(name: "SQLiteNIO", package: "sqlite-nio")]
        ),
    ]
)
