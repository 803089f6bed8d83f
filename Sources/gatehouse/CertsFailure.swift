import ArgumentParser
import Foundation
import GatehousePKI

/// Runs a `certs` action, turning a PKI error into one sentence on stderr and exit status 1 as the contract asks.
enum CertsFailure {
    static func run(_ action: () throws -> Void) throws {
        do {
            try action()
        } catch let error as PKIError {
            FileHandle.standardError.write(Data("gatehouse: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
