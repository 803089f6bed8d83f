import Foundation
import IPNetwork

extension PolicyParser {
    /// A Condition block: `{ OPERATOR: { KEY: VALUE | [VALUES] } }`, compiled into ANDed clauses.
    func parseCondition(_ value: JSONValue) throws(PatternError) -> [ConditionClause] {
        guard case .object(let operators) = value.kind else {
            throw PatternError("Condition must be an object", at: value.position)
        }
        var clauses: [ConditionClause] = []
        for operatorMember in operators {
            let op: ConditionOperator
            do throws(PatternError) {
                op = try ConditionOperator(operatorMember.key)
            } catch {
                throw PatternError(error.message, at: operatorMember.keyPosition)
            }
            guard case .object(let keys) = operatorMember.value.kind, !keys.isEmpty else {
                throw PatternError(
                    "condition operator \"\(op.name)\" must map condition keys to values",
                    at: operatorMember.value.position)
            }
            for keyMember in keys {
                guard let key = ContextKey(keyMember.key) else {
                    throw PatternError(
                        "condition key \"\(keyMember.key)\" is not supported (supported: \(ContextKey.supportedNames))",
                        at: keyMember.keyPosition)
                }
                let values = try conditionValues(keyMember, op: op)
                let test = try compile(values, for: op)
                clauses.append(ConditionClause(op: op, key: key, test: test))
            }
        }
        return clauses
    }

    /// The values of one condition key as text: strings, numbers (as written) and booleans are accepted.
    private func conditionValues(_ member: JSONMember, op: ConditionOperator) throws(PatternError) -> [(
        String, JSONPosition?
    )] {
        func scalar(_ value: JSONValue) throws(PatternError) -> (String, JSONPosition?) {
            switch value.kind {
            case .string(let text): return (text, value.position)
            case .number(let text): return (text, value.position)
            case .bool(let bool): return (bool ? "true" : "false", value.position)
            default:
                throw PatternError(
                    "\(op.name) value for \"\(member.key)\" must be a string, number or boolean, not \(value.typeName)",
                    at: value.position)
            }
        }
        if case .array(let elements) = member.value.kind {
            guard !elements.isEmpty else {
                throw PatternError("\(op.name) has no values for \"\(member.key)\"", at: member.value.position)
            }
            var result: [(String, JSONPosition?)] = []
            for element in elements { result.append(try scalar(element)) }
            return result
        }
        return [try scalar(member.value)]
    }

    private func compile(_ values: [(String, JSONPosition?)], for op: ConditionOperator) throws(PatternError)
        -> ConditionTest
    {
        func invalid(_ text: String, _ what: String, _ position: JSONPosition?) -> PatternError {
            PatternError("\(op.name) value \"\(text)\" is not \(what)", at: position)
        }
        switch op.base {
        case .stringEquals, .stringEqualsIgnoreCase, .stringLike:
            var patterns: [StringPattern] = []
            for (text, position) in values {
                do throws(PatternError) {
                    patterns.append(
                        try StringPattern(
                            text, caseInsensitive: op.base == .stringEqualsIgnoreCase,
                            wildcards: op.base == .stringLike, variables: variables))
                } catch {
                    throw PatternError(error.message, at: position)
                }
            }
            return .string(patterns)
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            var numbers: [Double] = []
            for (text, position) in values {
                guard let number = Double(text), number.isFinite else { throw invalid(text, "a number", position) }
                numbers.append(number)
            }
            return .numeric(Self.comparison(op.base), numbers)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            var dates: [Date] = []
            for (text, position) in values {
                guard let date = PolicyDate.parse(text) else {
                    throw invalid(text, "an ISO 8601 date (2026-11-28T14:40:51Z) or epoch seconds", position)
                }
                dates.append(date)
            }
            return .date(Self.comparison(op.base), dates)
        case .bool:
            var bools: [Bool] = []
            for (text, position) in values {
                switch text.lowercased() {
                case "true": bools.append(true)
                case "false": bools.append(false)
                default: throw invalid(text, "\"true\" or \"false\"", position)
                }
            }
            return .bool(bools)
        case .ipAddress:
            var blocks: [CIDR] = []
            for (text, position) in values {
                guard let block = CIDR(text) else { throw invalid(text, "an IPv4 or IPv6 address or CIDR", position) }
                blocks.append(block)
            }
            return .ip(blocks)
        case .arnEquals, .arnLike:
            var patterns: [ARNPattern] = []
            for (text, position) in values {
                do throws(PatternError) {
                    patterns.append(try ARNPattern(text, variables: variables))
                } catch {
                    throw PatternError("\(op.name) value " + error.message, at: position)
                }
            }
            return .arn(patterns)
        case .null:
            guard values.count == 1 else {
                throw PatternError("Null takes exactly one value, \"true\" or \"false\"", at: values.first?.1)
            }
            switch values[0].0.lowercased() {
            case "true": return .null(true)
            case "false": return .null(false)
            default: throw invalid(values[0].0, "\"true\" or \"false\"", values[0].1)
            }
        }
    }

    private static func comparison(_ base: ConditionOperator.Base) -> Comparison {
        switch base {
        case .numericLessThan, .dateLessThan: .lessThan
        case .numericLessThanEquals, .dateLessThanEquals: .lessThanEquals
        case .numericGreaterThan, .dateGreaterThan: .greaterThan
        case .numericGreaterThanEquals, .dateGreaterThanEquals: .greaterThanEquals
        default: .equals
        }
    }
}
