/// Filler that makes synthetic messages longer without changing what they say: neutral
/// sentences about the reply itself (who typed it, where the office is) that no codebook rule
/// should match. They hold no survey term, no number or number word and no negation cue, and
/// each goes after a newline (a sentence break), so it cannot join a coded phrase or a negation
/// scope of the text it follows. `SyntheticStreamTests` codes padded and unpadded texts and
/// requires equal codes, so a codebook change that starts matching one is caught there.
public struct SyntheticPadding: Sendable {
    /// The neutral sentences padding is drawn from. Default: `SyntheticPadding.neutralSentences`.
    public var sentences: [String]

    /// Sentences about the reply itself, not about the approaches.
    public static let neutralSentences: [String] = [
        "The office is in the town hall.",
        "Please get in touch with the lead officer if anything here is unclear.",
        "This wording was agreed by the head of the department before it was sent.",
        "The position described here was correct at the date of writing.",
        "We would be glad to discuss any part of this answer.",
        "Thank you for the opportunity to contribute.",
        "The business manager typed this answer on behalf of the director.",
        "Our main inbox is checked every morning.",
        "The local picture keeps changing.",
        "The policy unit helped to draft this reply.",
        "The form was filled in online from the council offices.",
        "Spelling and layout were tidied up before submission.",
    ]

    /// Padding drawn from `sentences`.
    ///
    /// - Parameter sentences: Neutral sentences without quotes, backslashes or control characters (they are
    ///   inserted into JSON strings unescaped); empty ones are dropped. Default: ``neutralSentences``.
    public init(sentences: [String] = SyntheticPadding.neutralSentences) {
        self.sentences = sentences.filter { !$0.isEmpty }
    }

    /// JSON string content (already escaped) of about `bytes` bytes to append to a free text:
    /// whole sentences, each after an escaped newline, drawn with `random`. Empty when
    /// `bytes <= 0` or there are no sentences.
    func filler(bytes: Int, using random: inout ReferenceRandom) -> [UInt8] {
        guard bytes > 0, !sentences.isEmpty else { return [] }
        var out: [UInt8] = []
        while true {
            let sentence = Array(("\\n" + sentences[Int(random.next() % UInt64(sentences.count))]).utf8)
            // Stop when the next sentence would overshoot by more than half of itself.
            guard out.count + sentence.count / 2 < bytes else { break }
            out += sentence
        }
        return out
    }
}
