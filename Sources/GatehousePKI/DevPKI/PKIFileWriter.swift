import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a set of PKI files all or nothing with respect to existing files: every target is checked before any is
/// written, so a refused run leaves the folder as it was. Each file is written to a temporary file with its final
/// mode and renamed into place, so a private key is never readable by others, not even for an instant.
struct PKIFileWriter {
    /// One file to write.
    struct File {
        var path: String
        var contents: String
        /// POSIX mode: 0o600 for private keys, 0o644 for certificates and CRLs.
        var mode: mode_t
    }

    /// Whether existing files may be replaced.
    var overwrite: Bool

    /// Writes `files`, creating parent folders (mode 0755); throws ``PKIError/fileExists(_:)`` naming the first
    /// existing file when `overwrite` is false, before writing anything.
    func save(_ files: [File]) throws {
        if !self.overwrite {
            for file in files where FileManager.default.fileExists(atPath: file.path) {
                throw PKIError.fileExists(file.path)
            }
        }
        for file in files {
            let folder = (file.path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw PKIError.fileUnwritable(folder, "cannot create the folder")
                }
            }
            try self.writeOne(file)
        }
    }

    private func writeOne(_ file: File) throws {
        let temporary = file.path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file.mode)
        guard descriptor >= 0 else {
            throw PKIError.fileUnwritable(file.path, String(cString: strerror(errno)))
        }
        let bytes = Array(file.contents.utf8)
        var written = 0
        var failure: Int32 = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += result
        }
        if failure == 0, fchmod(descriptor, file.mode) != 0 { failure = errno }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0, rename(temporary, file.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw PKIError.fileUnwritable(file.path, String(cString: strerror(failure)))
        }
    }
}
