/// A declarative condition that makes an answer required: "required when `top_approaches` includes `other`".
public struct RequiredWhen: Sendable, Hashable {
    /// The top-level question whose answer decides, a `single_option` or `multi_option` question.
    public var question: String
    /// The condition holds when that answer is (single) or contains (multi) any of these codes.
    public var includes: [String]

    /// Creates a condition.
    ///
    /// - Parameters:
    ///   - question: The top-level `single_option` or `multi_option` question whose answer decides.
    ///   - includes: Codes of that question's option list; the condition holds when the answer is or contains
    ///     any of them, and never when the question is unanswered.
    public init(question: String, includes: [String]) {
        self.question = question
        self.includes = includes
    }
}
