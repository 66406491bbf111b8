import SurveyEngine

/// A random message stream for property tests, built from a tally plan and a frame: first
/// submissions, edits, stale edits, identical re-sends (of current and superseded versions),
/// instance conflicts, duplicates, re-sends of rejected messages, respondents outside the
/// frame and upstream rejections, interleaved over respondents.
///
/// Each message is made to be of its kind, so its expected outcome is known without running the
/// aggregator's rules; the final head per respondent is what the stream implies, and
/// `ReferenceTally` recomputes the tally from those heads.
public struct ReferenceStream: Sendable {
    /// What a message was made to be.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A first submission, an edit of the head, an edit naming a non-head, an identical re-send of an
        /// accepted version, a changed version under an accepted instance id, a fresh submission for a
        /// respondent with a head, a re-send of a rejected message, a respondent outside the frame, and
        /// a message rejected before aggregation.
        case first, edit, staleEdit, resend, conflict, duplicate, resendRejected, unknownRespondent, invalid
    }

    /// The outcome a message must get.
    public enum Expected: Sendable, Hashable {
        /// Counted as the first version, counted as an edit, or an identical re-send.
        case acceptedFirst, acceptedEdit, noop
        /// Rejected for `reason`.
        case rejected(RejectionReason)

        /// Whether `outcome` is this.
        ///
        /// - Parameter outcome: What the aggregator returned for the message.
        /// - Returns: True for the same acceptance kind or no-op, or a rejection with the same reason (its detail text
        ///   is not compared); `.alreadyApplied` never matches.
        public func matches(_ outcome: Outcome) -> Bool {
            switch (self, outcome) {
            case (.acceptedFirst, .acceptedFirst), (.acceptedEdit, .acceptedEdit), (.noop, .noop): true
            case (.rejected(let reason), .rejected(let rejection, _)): reason == rejection.reason
            default: false
            }
        }
    }

    /// One message.
    public struct Message: Sendable, Hashable {
        /// What it was made to be.
        public var kind: Kind
        /// The Kafka key (respondent id, or empty).
        public var key: String
        /// What reaches the aggregator.
        public var input: TallyInput
        /// The outcome it must get.
        public var expected: Expected
    }

    /// The messages in order.
    public private(set) var messages: [Message] = []
    /// The head version per respondent after the whole stream.
    public private(set) var heads: [String: CodedSubmission] = [:]

    private struct History {
        var accepted: [CodedSubmission] = []
        var head: CodedSubmission?
        var rejected: [(CodedSubmission, RejectionReason)] = []
    }

    /// Generates `count` messages about `respondents` frame units (and some outside the frame).
    ///
    /// About 6% of messages are upstream rejections, 4% name respondents outside the frame (`ZZ0`…`ZZ4`) and
    /// 5% re-send a rejected message; the rest are firsts, edits, stale edits, re-sends, conflicts and duplicates
    /// depending on each respondent's history.
    ///
    /// - Parameters:
    ///   - plan: Shapes the answers and codings (its option codes, band paths, numeric and free-text fields).
    ///   - frame: Respondents are drawn from its units; it must not be empty.
    ///   - seed: Seeds the generator: the same seed, plan and frame give the same stream on every machine.
    ///   - count: Number of messages. Default: 150.
    ///   - respondents: Frame units the messages are spread over (fewer when the frame is smaller); few
    ///     respondents give long edit histories. Default: 25.
    public init(plan: TallyPlan, frame: Frame, seed: UInt64, count: Int = 150, respondents: Int = 25) {
        var rng = ReferenceRandom(seed: seed)
        let pool = Array(frame.units.shuffled(using: &rng).prefix(respondents).map(\.id))
        var histories: [String: History] = [:]
        var serial = 0
        func nextInstance() -> String {
            serial += 1
            return "uuid:\(seed)-\(serial)"
        }
        func fresh(_ respondent: String, deprecated: String?) -> CodedSubmission {
            serial += 1
            return Self.randomSubmission(
                plan: plan,
                respondent: respondent,
                instance: "uuid:\(seed)-\(serial)",
                deprecated: deprecated,
                serial: serial,
                rng: &rng
            )
        }

        while messages.count < count {
            guard let respondent = pool.randomElement(using: &rng) else { break }
            var history = histories[respondent] ?? History()
            let roll = Double.random(in: 0..<1, using: &rng)
            var kind: Kind
            if roll < 0.06 {
                kind = .invalid
            } else if roll < 0.10 {
                kind = .unknownRespondent
            } else if roll < 0.15 {
                kind = .resendRejected
            } else if history.head == nil {
                kind = roll < 0.9 ? .first : .staleEdit
            } else {
                kind = [.edit, .edit, .edit, .resend, .resend, .conflict, .staleEdit, .duplicate].randomElement(using: &rng) ?? .edit
            }
            if kind == .resendRejected && history.rejected.isEmpty { kind = history.head == nil ? .first : .edit }

            let message: Message
            switch kind {
            case .first:
                let coded = fresh(respondent, deprecated: nil)
                history.accepted.append(coded)
                history.head = coded
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .acceptedFirst)
            case .edit:
                let coded = fresh(respondent, deprecated: history.head?.submission.instanceId)
                history.accepted.append(coded)
                history.head = coded
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .acceptedEdit)
            case .staleEdit:
                let old = history.accepted.filter { $0 != history.head }.randomElement(using: &rng)?.submission.instanceId
                let coded = fresh(respondent, deprecated: old ?? nextInstance())
                history.rejected.append((coded, .staleEdit))
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .rejected(.staleEdit))
            case .duplicate:
                let coded = fresh(respondent, deprecated: nil)
                history.rejected.append((coded, .duplicateRespondent))
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .rejected(.duplicateRespondent))
            case .resend:
                let coded = history.accepted.randomElement(using: &rng) ?? fresh(respondent, deprecated: nil)
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .noop)
            case .conflict:
                var coded = history.accepted.randomElement(using: &rng) ?? fresh(respondent, deprecated: nil)
                serial += 1
                if rng.chance(0.5) {  // other content: another timestamp, or another answer
                    coded.submission.submittedAt = Self.timestamp(serial: serial, rng: &rng)
                } else {
                    coded.submission.answers = Self.setting(coded.submission.answers, ["changed"], to: .number(Double(serial)))
                }
                history.rejected.append((coded, .instanceConflict))
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .rejected(.instanceConflict))
            case .resendRejected:
                let (coded, reason) = history.rejected.randomElement(using: &rng) ?? (fresh(respondent, deprecated: nextInstance()), .staleEdit)
                message = Message(kind: kind, key: respondent, input: .coded(coded), expected: .rejected(reason))
            case .unknownRespondent:
                let coded = fresh("ZZ" + String(Int.random(in: 0..<5, using: &rng)), deprecated: nil)
                message = Message(kind: kind, key: coded.submission.respondentId, input: .coded(coded), expected: .rejected(.unknownRespondent))
            case .invalid:
                let codes = ProblemCode.allCases
                let problems = (0..<Int.random(in: 1...3, using: &rng)).map { i in
                    Problem(pointer: "/answers/x\(i)", code: codes.randomElement(using: &rng) ?? .required, message: "generated")
                }
                let named = rng.chance(0.7)
                message = Message(
                    kind: kind,
                    key: named ? respondent : "",
                    input: .rejectedUpstream(Rejection(reason: .invalid, problems: problems, respondentId: named ? respondent : nil)),
                    expected: .rejected(.invalid)
                )
            }
            histories[respondent] = history
            messages.append(message)
        }
        heads = histories.compactMapValues(\.head)
    }

    static func timestamp(serial: Int, rng: inout ReferenceRandom) -> String {
        let month = Int.random(in: 4...6, using: &rng)
        let day = Int.random(in: 1...28, using: &rng)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "2018-\(two(month))-\(two(day))T\(two(serial / 3600 % 24)):\(two(serial / 60 % 60)):\(two(serial % 60))+01:00"
    }

    /// A random submission with a random coding, shaped by the plan: option fields get plan
    /// codes (sometimes an unplanned one), band fields 0–3 numbers under `*` paths, numeric
    /// answers and coded numbers from a small set (so values repeat), coded fields random codes.
    static func randomSubmission(
        plan: TallyPlan,
        respondent: String,
        instance: String,
        deprecated: String?,
        serial: Int,
        rng: inout ReferenceRandom
    ) -> CodedSubmission {
        var answers = JSONValue.object([:])
        for field in plan.fields {
            switch field.origin {
            case .options(let path, let multi):
                if multi {
                    let chosen = field.codes.shuffled(using: &rng).prefix(Int.random(in: 0...3, using: &rng))
                    answers = setting(answers, path.steps.dropFirst(), to: .array(chosen.map(JSONValue.string)))
                } else if rng.chance(0.9) {
                    let code = rng.chance(0.95) ? field.codes.randomElement(using: &rng) ?? "" : "not_in_plan"
                    answers = setting(answers, path.steps.dropFirst(), to: .string(code))
                }
            case .band(let rule):
                for k in 0..<Int.random(in: 0...3, using: &rng) {
                    let steps = rule.path.steps.dropFirst().map { $0 == "*" ? "k\(k)" : $0 }
                    answers = setting(answers, steps[...], to: .number(Double(plan.referenceYear - Int.random(in: 0...20, using: &rng))))
                }
            case .coded:
                break
            }
        }
        var numbers: [String: CodedNumber] = [:]
        for summary in plan.numeric where rng.chance(0.6) {
            let values: [Double] = [4, 6, 12, 12, 13, 21.5, 26, 50, 0.25]
            let value = values.randomElement(using: &rng) ?? 12
            switch summary.origin {
            case .answer(let path): answers = setting(answers, path.steps.dropFirst(), to: .number(value))
            case .codedNumber(let name):
                numbers[name] = CodedNumber(value: value, evidence: Evidence(code: name, rule: "random", source: "", start: 0, end: 0, matched: ""))
            }
        }
        for text in plan.freeText {
            let choice = Int.random(in: 0..<3, using: &rng)
            if choice > 0 { answers = setting(answers, text.path.steps.dropFirst(), to: .string(choice == 1 ? "some text \(serial)" : "  ")) }
        }
        var fields: [String: CodedField] = [:]
        for field in plan.fields where field.origin == .coded {
            let answered = rng.chance(0.7)
            let codes = answered ? field.codes.filter { _ in rng.chance(0.3) } : []
            fields[field.name] = CodedField(answered: answered, codes: codes, evidence: [])
        }
        let submission = Submission(
            formId: plan.formId,
            formVersion: rng.chance(0.8) ? "v1" : "v2",
            instanceId: instance,
            deprecatedId: deprecated,
            respondentId: respondent,
            submittedAt: timestamp(serial: serial, rng: &rng),
            answers: answers
        )
        return CodedSubmission(
            submission: submission,
            coding: CodingResult(codebookVersion: rng.chance(0.9) ? "cb1" : "cb2", fields: fields, numbers: numbers)
        )
    }

    /// `value` with `steps` (object members, created as needed) set to `new`.
    static func setting(_ value: JSONValue, _ steps: ArraySlice<String>, to new: JSONValue) -> JSONValue {
        guard let step = steps.first else { return new }
        var members = value.objectValue ?? [:]
        members[step] = setting(members[step] ?? .object([:]), steps.dropFirst(), to: new)
        return .object(members)
    }
}
