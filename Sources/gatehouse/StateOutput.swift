import ArgumentParser
import Foundation
import GatehouseCore

/// Prints a state command's answer on stdout, or its failure on stderr and exits 1.
enum StateOutput {
    static func finish(_ result: Result<String, StateAdministration.Failure>) throws {
        switch result {
        case .success(let text):
            FileHandle.standardOutput.write(Data(text.utf8))
        case .failure(let failure):
            FileHandle.standardError.write(Data((failure.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
