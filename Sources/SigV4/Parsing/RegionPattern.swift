/// A SigV4a region-set entry: a region name in which `*` matches any run of characters (`*`, `us-*`).
enum RegionPattern {
    static func matches(_ pattern: Substring, region: String) -> Bool {
        matches(Array(pattern.utf8)[...], Array(region.utf8)[...])
    }

    private static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        if first == 0x2a {
            let rest = pattern.dropFirst()
            var suffix = text
            while true {
                if matches(rest, suffix) { return true }
                if suffix.isEmpty { return false }
                suffix = suffix.dropFirst()
            }
        }
        guard let head = text.first, ASCII.lowercased(head) == ASCII.lowercased(first) else { return false }
        return matches(pattern.dropFirst(), text.dropFirst())
    }
}
