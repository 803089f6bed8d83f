/// Whose share a throttle's rate and burst are: this instance's alone (`instance`, the default), or the fleet's, split
/// evenly between the live instances that share the state store (`fleet`, contract section 8).
public enum ThrottleScope: String, Sendable, Hashable, CaseIterable {
    case instance
    case fleet
}
