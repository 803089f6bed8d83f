import SigV4

/// One field line of a parsed head (request or response): the ranges of its name and of its value (without the
/// surrounding whitespace) in the head's bytes. The very type SigV4 reads a head's fields with, so a verified request
/// hands its parsed field lines to the verifier as they are, without a copy (`ParsedRequestHead.withSigV4Request`).
typealias HTTPFieldLine = SigV4HeaderFields.FieldRange
