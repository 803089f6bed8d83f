import Foundation
import IPNetwork

/// One typed request-context value. Keeping the type (instead of formatting everything to text up front)
/// lets `IpAddress`, `Date*` and `Bool` conditions compare without parsing on the request path.
enum ContextValue: Sendable {
    case string(String)
    case ip(IPAddress)
    case date(Date)
    /// `aws:EpochTime`: a time read as whole epoch seconds.
    case epoch(Date)
    case bool(Bool)

    /// The value as IAM would render it for string comparison.
    var text: String {
        switch self {
        case .string(let string): string
        case .ip(let address): address.description
        case .date(let date): PolicyDate.format(date)
        case .epoch(let date): String(Int64(date.timeIntervalSince1970.rounded(.down)))
        case .bool(let bool): bool ? "true" : "false"
        }
    }

    var number: Double? {
        switch self {
        case .string(let string): Double(string)
        case .epoch(let date): date.timeIntervalSince1970.rounded(.down)
        case .ip, .date, .bool: nil
        }
    }

    var date: Date? {
        switch self {
        case .string(let string): PolicyDate.parse(string)
        case .date(let date), .epoch(let date): date
        case .ip, .bool: nil
        }
    }

    var ipAddress: IPAddress? {
        switch self {
        case .ip(let address): address
        case .string(let string): IPAddress(string)
        case .date, .epoch, .bool: nil
        }
    }

    var bool: Bool? {
        switch self {
        case .bool(let bool): return bool
        case .string(let string):
            switch string.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        case .ip, .date, .epoch: return nil
        }
    }
}
