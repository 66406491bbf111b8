/// A `Contribution` as positions in its plan's `PlanLayout`: fields, codes and free texts as
/// bits of one array, numbers by summary position. What the aggregator keeps per respondent and
/// counts into `IndexedTally`: no String-keyed dictionary and no array per field is made,
/// hashed or freed per message, and `contribution` gives back the `Contribution` exactly.
///
/// Only a contribution the layout expresses exactly is indexed: every plan field present and no
/// other, codes that are the field's plan codes in plan order without repeats, numbers of plan
/// summaries (not NaN), free texts of the plan in plan order, a region of the layout. What
/// `init(of:plan:layout:region:regionNumber:)` reads from a submission always is.
struct IndexedContribution: Sendable {
    /// The layout the positions refer to.
    let layout: PlanLayout
    /// The respondent's region.
    var region: String
    /// `region`'s position in `layout.regionNames`.
    var regionNumber: Int
    /// The version's `form_version`.
    var formVersion: String
    /// The codebook version that coded it.
    var codebookVersion: String
    /// The version's day (`YYYY-MM-DD`).
    var day: String
    /// Answered flags, code masks and free texts answered (see `PlanLayout`).
    var bits: [UInt64]
    /// Each numeric summary's value by position; NaN when the version has none.
    var numbers: [Double]
    /// Review items per coded field; `nil` when none (the usual version: nothing is allocated).
    var codingReview: [String: Int]?

    /// Reads what the layout's plan tallies from one coded submission (the rules of
    /// `Contribution.init(of:plan:region:)`).
    ///
    /// Option fields count the plan's codes found at their path (answered = a non-empty array
    /// or string); coded fields take the `CodingResult`'s codes that the plan lists (answered =
    /// the coder's flag, or any code); band fields always have a code (answered = true).
    init(of coded: borrowing CodedSubmission, plan: borrowing TallyPlan, layout: PlanLayout, region: String, regionNumber: Int) {
        // The submission and plan are borrowed, not copied (an initializer owns its arguments by default).
        var bits = [UInt64](repeating: 0, count: layout.bitCount)
        // Fields are read in place (`plan.fields[f]`): binding one to a local would copy all its members.
        for f in plan.fields.indices {
            let mask = layout.maskStart[f]
            let answered: Bool
            switch plan.fields[f].origin {
            case .options(let path, let multi):
                answered = Self.options(at: path, multi: multi, in: coded.submission, among: plan.fields[f].codes) { bits.setBit($0, from: mask) }
            case .coded:
                answered = Self.coded(plan.fields[f].name, in: coded.coding.fields, among: plan.fields[f].codes) { bits.setBit($0, from: mask) }
            case .band(let rule):
                if let code = plan.fields[f].codes.firstIndex(of: rule.code(for: coded.submission, referenceYear: plan.referenceYear)) {
                    bits.setBit(code, from: mask)
                }
                answered = true
            }
            if answered { bits.setBit(f) }
        }
        var numbers = [Double](repeating: .nan, count: plan.numeric.count)
        for (s, summary) in plan.numeric.enumerated() {
            switch summary.origin {
            case .codedNumber(let name):
                if let value = coded.coding.numbers[name]?.value, value.isFinite { numbers[s] = value }
            case .answer(let path):
                if let value = Self.firstFiniteNumber(at: path, in: coded.submission) { numbers[s] = value }
            }
        }
        for (t, text) in plan.freeText.enumerated() where text.path.hasText(in: coded.submission) { bits.setBit(t, from: layout.freeTextStart) }
        self.layout = layout
        self.region = region
        self.regionNumber = regionNumber
        self.formVersion = coded.submission.formVersion
        self.codebookVersion = coded.coding.codebookVersion
        self.day = coded.submission.submittedDay
        self.bits = bits
        self.numbers = numbers
        self.codingReview = coded.coding.review.countsByField
    }

    /// Indexes `contribution`, or `nil` when `layout` does not express it exactly (see the type).
    init?(_ contribution: Contribution, layout: PlanLayout) {
        guard let regionNumber = layout.regionPositions[contribution.region],
            contribution.fields.count == layout.fieldNames.count,
            contribution.numbers.count <= layout.numericNames.count
        else { return nil }
        var bits = [UInt64](repeating: 0, count: layout.bitCount)
        for (f, name) in layout.fieldNames.enumerated() {
            guard let value = contribution.fields[name],
                Self.setPositions(of: value.codes, among: layout.fieldCodes[f], in: &bits, from: layout.maskStart[f])
            else { return nil }
            if value.answered { bits.setBit(f) }
        }
        var numbers = [Double](repeating: .nan, count: layout.numericNames.count)
        for (name, value) in contribution.numbers {
            guard let s = layout.numericPositions[name], !value.isNaN else { return nil }
            numbers[s] = value
        }
        guard Self.setPositions(of: contribution.freeTextAnswered, among: layout.freeTextNames, in: &bits, from: layout.freeTextStart) else {
            return nil
        }
        self.layout = layout
        self.region = contribution.region
        self.regionNumber = regionNumber
        self.formVersion = contribution.formVersion
        self.codebookVersion = contribution.codebookVersion
        self.day = contribution.day
        self.bits = bits
        self.numbers = numbers
        self.codingReview = contribution.codingReview
    }

    /// The contribution this indexes.
    var contribution: Contribution {
        var fields: [String: Contribution.FieldValue] = [:]
        fields.reserveCapacity(layout.fieldNames.count)
        for (f, name) in layout.fieldNames.enumerated() {
            fields[name] = Contribution.FieldValue(answered: bits.hasBit(f), codes: codes(of: f))
        }
        var numbers: [String: Double] = [:]
        for (s, value) in self.numbers.enumerated() where !value.isNaN { numbers[layout.numericNames[s]] = value }
        var freeText: [String] = []
        bits.forEachBit(from: layout.freeTextStart, words: bitCountOfFreeTexts) { freeText.append(layout.freeTextNames[$0]) }
        return Contribution(
            region: region,
            formVersion: formVersion,
            codebookVersion: codebookVersion,
            day: day,
            fields: fields,
            numbers: numbers,
            freeTextAnswered: freeText,
            codingReview: codingReview
        )
    }

    /// Field `field`'s codes in plan order.
    func codes(of field: Int) -> [String] {
        var codes: [String] = []
        forEachCode(of: field) { codes.append(layout.fieldCodes[field][$0]) }
        return codes
    }

    /// Calls `body` with the position (in the field's plan codes) of each code of `field`, in plan order.
    @inline(__always)
    func forEachCode(of field: Int, _ body: (Int) -> Void) {
        bits.forEachBit(from: layout.maskStart[field], words: layout.maskWords[field], body)
    }

    /// Calls `body` with the position of each free text answered, in plan order.
    @inline(__always)
    func forEachFreeText(_ body: (Int) -> Void) {
        bits.forEachBit(from: layout.freeTextStart, words: bitCountOfFreeTexts, body)
    }

    private var bitCountOfFreeTexts: Int { layout.bitCount - layout.freeTextStart }

    /// Sets the bit of each of `names`' positions in `all`; false when one is not there or they
    /// are not in `all`'s order without repeats (then bits would not give `names` back).
    private static func setPositions(of names: [String], among all: [String], in bits: inout [UInt64], from start: Int) -> Bool {
        var next = 0
        for name in names {
            guard let at = all[next...].firstIndex(of: name) else { return false }
            bits.setBit(at, from: start)
            next = at + 1
        }
        return true
    }

    /// An option field: calls `found` with the position of each plan code found at `path`;
    /// returns whether it was answered (a non-empty array or string).
    private static func options(
        at path: TallyPath,
        multi: Bool,
        in submission: Submission,
        among planCodes: [String],
        found: (Int) -> Void
    ) -> Bool {
        var answered = false
        path.forEachValue(in: submission) { value in
            if multi {
                guard case .array(let elements) = value else { return }
                for case .string(let option) in elements {
                    answered = true
                    if let code = planCodes.firstIndex(of: option) { found(code) }
                }
            } else if case .string(let option) = value, !option.isEmpty {
                answered = true
                if let code = planCodes.firstIndex(of: option) { found(code) }
            }
        }
        return answered
    }

    /// A coded field: calls `found` with the position of each of the coder's codes that the plan
    /// lists; returns whether it was answered (the coder's flag, or any code).
    private static func coded(_ name: String, in fields: [String: CodedField], among planCodes: [String], found: (Int) -> Void) -> Bool {
        // Read in place: the field's evidence is not copied.
        guard let slot = fields.index(forKey: name) else { return false }
        var any = false
        for code in fields.values[slot].codes {
            guard let position = planCodes.firstIndex(of: code) else { continue }
            found(position)
            any = true
        }
        return fields.values[slot].answered || any
    }

    /// The first finite number `path` reaches, in `TallyPath.values(in:)` order: without a
    /// wildcard there is at most one value, so nothing is collected or sorted.
    private static func firstFiniteNumber(at path: TallyPath, in submission: Submission) -> Double? {
        if path.hasWildcard {
            return path.values(in: submission).lazy.compactMap(\.numberValue).first(where: \.isFinite)
        }
        var found: Double?
        path.forEachValue(in: submission) { value in
            if case .number(let number) = value, number.isFinite { found = number }
        }
        return found
    }
}

/// What a head version counts, as the aggregator holds it: indexed, or (for a contribution its
/// layout does not express, e.g. one read from a changelog written with another plan) as the
/// `Contribution` itself, counted the String-keyed way.
enum CountedContribution: Sendable {
    /// Positions in a layout.
    case indexed(IndexedContribution)
    /// The contribution as it is.
    case strings(Contribution)

    /// `contribution` indexed with `layout` when it expresses it exactly, else as it is.
    init(_ contribution: Contribution, layout: PlanLayout) {
        self = IndexedContribution(contribution, layout: layout).map(Self.indexed) ?? .strings(contribution)
    }

    /// The layout of an indexed contribution, else `nil`.
    var layout: PlanLayout? {
        if case .indexed(let indexed) = self { return indexed.layout }
        return nil
    }

    /// Review items per coded field of the version's coding; `nil` when none.
    var codingReview: [String: Int]? {
        switch self {
        case .indexed(let indexed): indexed.codingReview
        case .strings(let contribution): contribution.codingReview
        }
    }

    /// The contribution.
    var contribution: Contribution {
        switch self {
        case .indexed(let indexed): indexed.contribution
        case .strings(let contribution): contribution
        }
    }
}
