import Foundation
import Yams

extension LoadContext {
    /// A file field: the path resolved against the configuration's folder, checked to be an existing readable file.
    /// Nil when absent or null (reported when required) and after reporting a missing or unreadable file.
    func file(_ fields: MappingFields, _ key: String, required: Bool) -> ConfiguredFile? {
        guard let node = fields.present(key) else {
            if required {
                reportMissing(key, in: fields)
            }
            return nil
        }
        let what = "\"\(key)\" \(fields.owner)"
        guard let text = text(of: node, what: what) else {
            return nil
        }
        guard !text.isEmpty else {
            report("\(what) must name a file, found an empty string", at: node)
            return nil
        }
        let path = resolvePath(text)
        guard checkReadableFile(path, what: what, at: node) else {
            return nil
        }
        return ConfiguredFile(path: path, location: location(of: node))
    }

    /// Reports (at the node) a path that does not exist, is a folder or cannot be read.
    func checkReadableFile(_ path: String, what: String, at node: Node) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            report("file \(path) named by \(what) does not exist", at: node)
            return false
        }
        guard !isDirectory.boolValue else {
            report("file \(path) named by \(what) is a folder, not a file", at: node)
            return false
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            report("file \(path) named by \(what) is not readable", at: node)
            return false
        }
        return true
    }

    /// The UTF-8 text of a checked file; nil after reporting when it cannot be read.
    func readText(of file: ConfiguredFile, what: String, at node: Node) -> String? {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            report("file \(file.path) named by \(what) could not be read", at: node)
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report("file \(file.path) named by \(what) is not UTF-8 text", at: node)
            return nil
        }
        return text
    }
}
