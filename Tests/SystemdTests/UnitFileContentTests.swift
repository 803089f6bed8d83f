import Foundation
import Testing

/// The settings contract section 6 names, read from the unit files: verify and security do not require them.
@Suite struct UnitFileContentTests {
    /// `Key=value` lines of a unit file, in order (keys repeat).
    private func settings(_ unit: String) throws -> [(key: String, value: String)] {
        let text = try String(contentsOfFile: PackageRoot.unitDirectory + "/" + unit, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else {
                return nil
            }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    private func values(_ key: String, in unit: String) throws -> [String] {
        try settings(unit).filter { $0.key == key }.map(\.value)
    }

    @Test func socketsCarryTheListenerNames() throws {
        #expect(try values("FileDescriptorName", in: "gatehouse.socket") == ["https"])
        #expect(try values("FileDescriptorName", in: "gatehouse-admin.socket") == ["admin"])
        #expect(try values("Service", in: "gatehouse.socket") == ["gatehouse.service"])
        #expect(try values("Service", in: "gatehouse-admin.socket") == ["gatehouse.service"])
        #expect(try values("ListenStream", in: "gatehouse-admin.socket") == ["127.0.0.1:9901"])
        #expect(try values("ListenStream", in: "gatehouse.socket") == ["127.0.0.1:8443"])
    }

    @Test(arguments: ["gatehouse.service", "gatehouse-sidecar@.service"])
    func serviceIsNotifyTypedSandboxedAndInternalOnly(unit: String) throws {
        #expect(try values("Type", in: unit) == ["notify"])
        #expect(try values("NotifyAccess", in: unit) == ["main"])
        #expect(try values("ExecReload", in: unit) == ["/bin/kill -HUP $MAINPID"])
        #expect(try values("DynamicUser", in: unit) == ["yes"])
        #expect(try values("WatchdogSec", in: unit).count == 1)
        #expect(try values("LoadCredential", in: unit).contains { $0.hasPrefix("server-key.pem:") })
        #expect(try values("IPAddressDeny", in: unit) == ["any"])
        let allowed = try values("IPAddressAllow", in: unit).joined(separator: " ").split(separator: " ")
        #expect(
            Set(allowed)
                == [
                    "localhost", "link-local", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                    "fc00::/7",
                ]
        )
        #expect(try values("RestrictAddressFamilies", in: unit) == ["AF_UNIX AF_INET AF_INET6"])
        #expect(try values("CapabilityBoundingSet", in: unit) == [""])
        #expect(try values("MemoryDenyWriteExecute", in: unit) == ["yes"])
        #expect(try values("SystemCallFilter", in: unit).first == "@system-service")
    }

    @Test func serviceStartsTheGatewayWithItsConfigurationAndSockets() throws {
        #expect(
            try values("ExecStart", in: "gatehouse.service")
                == ["/usr/bin/gatehouse serve --config /etc/gatehouse/gatehouse.yaml"]
        )
        #expect(try values("Sockets", in: "gatehouse.service") == ["gatehouse.socket gatehouse-admin.socket"])
    }

    /// The default SQLite state file is `${STATE_DIRECTORY}/state.db`: systemd must create the folder, writable by
    /// the dynamic user under `ProtectSystem=strict`.
    @Test func servicesHaveAStateDirectory() throws {
        #expect(try values("StateDirectory", in: "gatehouse.service") == ["gatehouse"])
        #expect(try values("StateDirectory", in: "gatehouse-sidecar@.service") == ["gatehouse-sidecar/%i"])
        #expect(try values("StateDirectoryMode", in: "gatehouse.service") == ["0700"])
    }
}
