/// The IAM set operators for multi-valued context keys.
///
/// `ForAnyValue`: at least one request value satisfies the operator (false when the key is absent or empty).
/// `ForAllValues`: every request value satisfies it (true when the key is absent or empty).
enum SetQualifier: String, CaseIterable, Sendable {
    case forAnyValue = "ForAnyValue"
    case forAllValues = "ForAllValues"
}
