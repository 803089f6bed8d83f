/// One field line of a parsed head (request or response): the ranges of its name and of its value (without the
/// surrounding whitespace) in the head's bytes.
struct HTTPFieldLine: Sendable, Equatable {
    let name: Range<Int>
    let value: Range<Int>
}
