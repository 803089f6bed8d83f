import Foundation
import NIOHTTP1

/// Something that adds authentication to each request just before it is sent. Called once per request, so the
/// signature carries a fresh timestamp as a real client's would, and signing cost is part of what is measured.
protocol RequestSigning: Sendable {
    /// Adds the authentication headers to `head` for a request sent at `date`.
    func sign(_ head: inout HTTPRequestHead, at date: Date)
}
