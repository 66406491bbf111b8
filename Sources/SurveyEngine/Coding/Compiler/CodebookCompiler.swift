import Foundation

/// Checks a ``Codebook`` and compiles it into a ``CompiledCodebook``.
///
/// Every problem is reported with its place in the codebook (`fields[0] whole_system_model ›
/// codes[3] multi_model › rules[1] wsm.multi.implied`) and what to change.
struct CodebookCompiler {
    let codebook: Codebook

    private struct PendingField {
        var name: String
        var sources: [SourcePath]
        var labelNames: [String]
        var labelReported: [Bool]
        var ruleIDs: [String] = []
        var ruleLabels: [Int32] = []
        var ruleConfidence: [Double] = []
        var ruleReviewOnly: [Bool] = []
        var ruleYields: [[Int32]] = []
        var together: [(rule: Int32, concepts: [Int32])] = []
        var conceptSlots: [String: Int32] = [:]
        var implied: [(rule: Int32, implication: FieldProgram.Implied)] = []
        var cues: [FieldProgram.Cue] = []
        var untilWords: [Int32] = []
        var entries: [FieldProgram.Entry] = []
        var exactCases: [[[UInt8]]] = []
        var patterns: [(elements: [PatternElement], entry: Int32)] = []
        var numbers: [FieldProgram.Number] = []
        /// Per label, the labels it is confused with (`confused_with`, both ways).
        var confused: [[Int32]] = []

        mutating func add(_ parsed: PhraseParser.Parsed, kind: FieldProgram.Entry.Kind, target: Int32) {
            let entry = Int32(entries.count)
            var exact: Int32 = -1
            if let words = parsed.exactCase {
                exact = Int32(exactCases.count)
                exactCases.append(words)
            }
            entries.append(FieldProgram.Entry(kind: kind, target: target, exactCase: exact))
            for variant in parsed.variants { patterns.append((variant, entry)) }
        }
    }

    private func fail(_ message: String) -> SurveyDefinitionError {
        SurveyDefinitionError(file: "codebook", message: message)
    }

    /// The label indices of `names`, which must be codes of the field other than the rule's own,
    /// each listed once (`implied_by`, `yields_to`).
    /// - Parameters:
    ///   - names: The listed code names.
    ///   - labels: The field's code names, by label index.
    ///   - own: The label index of the rule's own code.
    ///   - place: Where the list is, for messages.
    ///   - field: The field's name, for messages.
    ///   - ownCode: What is wrong when the rule's own code is listed.
    /// - Throws: ``SurveyDefinitionError`` for an unknown, own or repeated code.
    private func otherCodes(
        _ names: [String],
        _ labels: [String],
        own: Int,
        at place: String,
        field: String,
        ownCode: String
    ) throws(SurveyDefinitionError) -> [Int32] {
        var indices: [Int32] = []
        for name in names {
            guard let index = labels.firstIndex(of: name) else {
                throw fail("\(place): unknown code '\(name)' in field \(field); known codes: " + labels.joined(separator: ", "))
            }
            guard index != own else { throw fail("\(place): \(ownCode) ('\(name)')") }
            if indices.contains(Int32(index)) { throw fail("\(place): '\(name)' is listed twice") }
            indices.append(Int32(index))
        }
        return indices
    }

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The marks named in a list of the codebook (`text.sentence_breaks`, `review.clause_breaks`).
    /// - Throws: for a name the tokenizer does not track, naming `place` and the known names.
    private func marks(_ names: [String], at place: String) throws(SurveyDefinitionError) -> Marks {
        var marks: Marks = []
        for name in names {
            guard let mark = Marks.named(name) else {
                throw fail("\(place): '\(name)' is not a mark the tokenizer tracks; use any of " + Marks.names.map(\.name).joined(separator: " "))
            }
            marks.formUnion(mark)
        }
        return marks
    }

    /// Validates and compiles.
    /// - Throws: `SurveyDefinitionError` (file `codebook`) for the first problem found.
    func compile() throws(SurveyDefinitionError) -> CompiledCodebook {
        let book = codebook
        guard !book.survey.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("'survey' is empty: name the instrument this codebook codes")
        }
        guard !book.version.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("'version' is empty: give the codebook a version, e.g. \"1.0.0\"")
        }

        // Text settings.
        let breaks = try marks(book.text.sentenceBreaks, at: "text.sentence_breaks")
        for (k, tier) in book.text.tolerance.enumerated() {
            guard (1...3).contains(tier.maxEdits) else { throw fail("text.tolerance[\(k)]: max_edits must be 1, 2 or 3") }
            guard tier.minLength >= tier.maxEdits + 3 else {
                throw fail(
                    "text.tolerance[\(k)]: min_length \(tier.minLength) is too short for \(tier.maxEdits) edit(s); "
                        + "use at least \(tier.maxEdits + 3) so short words are not confused"
                )
            }
        }
        let parser = PhraseParser(breaks: breaks, joinHyphenated: book.text.joinHyphenated)
        var lexicon = LexiconBuilder()
        guard let stemmer = SnowballStemmer(language: book.text.stemming) else {
            throw fail(
                "text.stemming: '\(book.text.stemming)' is not a Snowball algorithm libstemmer knows; use one of "
                    + SnowballStemmer.languages.joined(separator: ", ")
            )
        }
        guard book.review.minConfidence > 0, book.review.minConfidence <= 1 else {
            throw fail("review.min_confidence must be above 0 and at most 1")
        }
        for (key, value) in [
            ("misspelling_confidence", book.review.misspellingConfidence),
            ("scoped_sentence_confidence", book.review.scopedSentenceConfidence),
            ("confused_confidence", book.review.confusedConfidence),
        ] where !(value > 0 && value <= 1) {
            throw fail("review.\(key) must be above 0 and at most 1")
        }
        let clauseBreaks = breaks.union(try marks(book.review.clauseBreaks, at: "review.clause_breaks"))
        var doubts: [PhraseParser.Parsed] = []
        for (k, phrase) in book.review.doubtPhrases.enumerated() {
            for variant in try expand(phrase, context: "review.doubt_phrases[\(k)]") {
                doubts.append(try parser.parse(variant, kind: .phrase(tolerant: false), context: "review.doubt_phrases[\(k)]", into: &lexicon))
            }
        }
        var empties: [PhraseParser.Parsed] = []
        for (k, phrase) in book.review.emptyAnswers.enumerated() {
            for variant in try expand(phrase, context: "review.empty_answers[\(k)]") {
                empties.append(try parser.parse(variant, kind: .phrase(tolerant: false), context: "review.empty_answers[\(k)]", into: &lexicon))
            }
        }
        var commonWordIDs = Set<Int32>()
        for (k, word) in book.review.commonWords.enumerated() {
            commonWordIDs.insert(try parser.singleWord(word, context: "review.common_words[\(k)]", into: &lexicon))
        }

        // Concepts: names checked here, terms expanded where a phrase uses them.
        for name in book.concepts.keys.sorted() {
            guard Self.isIdentifier(name) else { throw fail("concepts.\(name): a concept name uses lower-case letters, digits and _") }
            guard !(book.concepts[name] ?? []).isEmpty else { throw fail("concepts.\(name): the concept has no phrases") }
            for (k, term) in (book.concepts[name] ?? []).enumerated() {
                for variant in try expand(term, context: "concepts.\(name)[\(k)]").map(Self.markStemmed) {
                    _ = try parser.parse(variant, kind: .phrase(tolerant: true), context: "concepts.\(name)[\(k)]", into: &lexicon)
                }
            }
        }

        // The domain's abbreviations: one word each, written as it must appear.
        for (abbreviation, expansion) in book.abbreviations.sorted(by: { $0.key < $1.key }) {
            let place = "abbreviations.\(abbreviation)"
            let id = try parser.singleWord(abbreviation, context: place, into: &lexicon)
            guard lexicon.words[Int(id)].count == abbreviation.utf8.count else {
                throw fail("\(place): an abbreviation is one word of letters and digits; write forms such as 's20' as concept phrases ('s 20')")
            }
            var words: [Int32] = []
            Array(expansion.utf8).withUnsafeBufferPointer { bytes in
                TextScanner.scan(bytes) { words.append(lexicon.intern(Array($0.lowercased))) }
            }
            guard !words.isEmpty else { throw fail("\(place): the expansion has no words") }
            lexicon.addExpansion(id, exact: Array(abbreviation.utf8), words: words)
        }

        // Number words.
        for (word, value) in book.numberWords.sorted(by: { $0.key < $1.key }) {
            guard value.isFinite else { throw fail("number_words.\(word): the value must be a finite number") }
            let id = try parser.singleWord(word, context: "number_words", into: &lexicon)
            if TextScanner.isDigit(lexicon.words[Int(id)][0]) { throw fail("number_words.\(word): digits are numbers already; list words only") }
            lexicon.setNumber(id, value)
        }

        // Negation, shared by every field (cues may be restricted to some fields).
        let negation = book.negation
        guard (1...30).contains(negation.window) else { throw fail("negation.window must be between 1 and 30 words") }
        var forwardStopIDs: [Int32] = []
        var backwardStopIDs: [Int32] = []
        for (k, word) in negation.forwardStops.enumerated() {
            forwardStopIDs.append(try parser.singleWord(word, context: "negation.forward_stops[\(k)]", into: &lexicon))
        }
        for (k, word) in negation.backwardStops.enumerated() {
            backwardStopIDs.append(try parser.singleWord(word, context: "negation.backward_stops[\(k)]", into: &lexicon))
        }
        var pseudo: [PhraseParser.Parsed] = []
        for (k, phrase) in negation.pseudo.enumerated() {
            pseudo.append(try parser.parse(phrase, kind: .phrase(tolerant: false), context: "negation.pseudo[\(k)]", into: &lexicon))
        }
        var ruleIDs: [String: String] = [:]
        func claim(_ id: String, _ place: String) throws(SurveyDefinitionError) {
            guard !id.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("\(place): the id is empty; give every rule a unique id") }
            if let other = ruleIDs[id] { throw fail("\(place): rule id '\(id)' is already used at \(other); rule ids must be unique") }
            ruleIDs[id] = place
        }
        let fieldNames = Set(book.fields.map(\.name))
        var cueParsed: [(cue: Codebook.Cue, phrases: [PhraseParser.Parsed], until: [Int32])] = []
        for (k, cue) in negation.cues.enumerated() {
            let place = "negation.cues[\(k)] \(cue.id)"
            try claim(cue.id, place)
            guard !cue.phrases.isEmpty else { throw fail("\(place): the cue has no phrases") }
            if let window = cue.window, !(1...30).contains(window) { throw fail("\(place): window must be between 1 and 30 words") }
            for name in cue.fields ?? [] where !fieldNames.contains(name) {
                throw fail(
                    "\(place): lists the field '\(name)', which the codebook does not declare; known fields: "
                        + book.fields.map(\.name).joined(separator: ", ")
                )
            }
            var phrases: [PhraseParser.Parsed] = []
            for (p, phrase) in cue.phrases.enumerated() {
                for variant in try expand(phrase, context: "\(place) › phrases[\(p)]") {
                    phrases.append(try parser.parse(variant, kind: .phrase(tolerant: false), context: "\(place) › phrases[\(p)]", into: &lexicon))
                }
            }
            var until: [Int32] = []
            for (u, word) in cue.until.enumerated() {
                until.append(try parser.singleWord(word, context: "\(place) › until[\(u)]", into: &lexicon))
            }
            cueParsed.append((cue, phrases, until))
        }

        // Fields.
        guard !book.fields.isEmpty else { throw fail("'fields' is empty: declare at least one coded field") }
        var pending: [PendingField] = []
        var numberNames: [String: String] = [:]
        for (f, field) in book.fields.enumerated() {
            let place = "fields[\(f)] \(field.name)"
            guard Self.isIdentifier(field.name) else {
                throw fail("\(place): a field name uses lower-case letters, digits and _ and starts with a letter")
            }
            if pending.contains(where: { $0.name == field.name }) { throw fail("\(place): the field name is declared twice") }
            guard !field.sources.isEmpty else { throw fail("\(place): the field has no sources; list the answer paths it codes") }
            var sources: [SourcePath] = []
            for (s, path) in field.sources.enumerated() {
                sources.append(try SourcePath(path, context: "\(place) › sources[\(s)]"))
            }
            guard !field.codes.isEmpty else { throw fail("\(place): the field has no codes") }
            var labels: [String] = []
            for (c, code) in field.codes.enumerated() {
                guard Self.isIdentifier(code.code) else {
                    throw fail("\(place) › codes[\(c)] '\(code.code)': a code uses lower-case letters, digits and _ and starts with a letter")
                }
                if labels.contains(code.code) { throw fail("\(place) › codes[\(c)] \(code.code): the code is declared twice in this field") }
                labels.append(code.code)
            }
            var program = PendingField(name: field.name, sources: sources, labelNames: labels, labelReported: field.codes.map(\.report))
            program.confused = Array(repeating: [], count: labels.count)
            for (c, code) in field.codes.enumerated() {
                for name in code.confusedWith {
                    guard let other = labels.firstIndex(of: name), other != c else {
                        throw fail(
                            "\(place) › codes[\(c)] \(code.code) › confused_with: '\(name)' is not another code of field \(field.name); "
                                + "known codes: " + labels.joined(separator: ", ")
                        )
                    }
                    if !program.confused[c].contains(Int32(other)) { program.confused[c].append(Int32(other)) }
                    if !program.confused[other].contains(Int32(c)) { program.confused[other].append(Int32(c)) }
                }
            }
            /// Parses each phrase of a rule's or code's list (`name` at `place`), its concept references expanded
            /// when `expanding`, and adds it to the field's program as `entry` for `target`.
            func add(
                _ list: [String],
                _ name: String,
                at place: String,
                as kind: PhraseParser.Kind,
                expanding: Bool = false,
                entry: FieldProgram.Entry.Kind,
                target: Int32
            ) throws(SurveyDefinitionError) {
                for (p, phrase) in list.enumerated() {
                    let context = "\(place) › \(name)[\(p)]"
                    for variant in expanding ? try expand(phrase, context: context) : [phrase] {
                        program.add(try parser.parse(variant, kind: kind, context: context, into: &lexicon), kind: entry, target: target)
                    }
                }
            }
            for parsed in pseudo { program.add(parsed, kind: .pseudo, target: -1) }
            for parsed in doubts { program.add(parsed, kind: .doubt, target: -1) }
            for parsed in empties { program.add(parsed, kind: .empty, target: -1) }
            for (cue, phrases, until) in cueParsed where cue.fields == nil || cue.fields!.contains(field.name) {
                let index = Int32(program.cues.count)
                let untilStart = Int32(program.untilWords.count)
                program.untilWords.append(contentsOf: until)
                program.cues.append(
                    FieldProgram.Cue(
                        id: cue.id,
                        kind: cue.kind,
                        forward: cue.direction != .backward,
                        backward: cue.direction != .forward,
                        window: Int32(cue.window ?? negation.window),
                        untilStart: untilStart,
                        untilEnd: Int32(program.untilWords.count)
                    )
                )
                for parsed in phrases { program.add(parsed, kind: .cue, target: index) }
            }

            for (c, code) in field.codes.enumerated() {
                let codePlace = "\(place) › codes[\(c)] \(code.code)"
                let label = Int32(c)
                guard !code.rules.isEmpty else {
                    throw fail("\(codePlace): the code has no rules; add a rule with phrases, abbreviations, misspellings or implied_by")
                }
                for (r, rule) in code.rules.enumerated() {
                    let rulePlace = "\(codePlace) › rules[\(r)] \(rule.id)"
                    try claim(rule.id, rulePlace)
                    guard
                        !(rule.phrases.isEmpty && rule.misspellings.isEmpty && rule.abbreviations.isEmpty && rule.impliedBy == nil
                            && rule.together.isEmpty)
                    else {
                        throw fail("\(rulePlace): the rule has no phrases; give it phrases, misspellings, abbreviations, implied_by or together")
                    }
                    guard rule.confidence > 0, rule.confidence <= 1 else {
                        throw fail("\(rulePlace): confidence must be above 0 and at most 1")
                    }
                    let ruleIndex = Int32(program.ruleIDs.count)
                    if !rule.together.isEmpty {
                        var slots: [Int32] = []
                        for name in rule.together {
                            guard let terms = book.concepts[name] else {
                                throw fail(
                                    "\(rulePlace) › together: unknown concept '\(name)'; known concepts: "
                                        + book.concepts.keys.sorted().joined(separator: ", ")
                                )
                            }
                            if let slot = program.conceptSlots[name] {
                                slots.append(slot)
                                continue
                            }
                            let slot = Int32(program.conceptSlots.count)
                            program.conceptSlots[name] = slot
                            slots.append(slot)
                            for term in terms {
                                for variant in try expand(term, context: "concepts.\(name)").map(Self.markStemmed) {
                                    let parsed = try parser.parse(variant, kind: .phrase(tolerant: true), context: "concepts.\(name)", into: &lexicon)
                                    program.add(parsed, kind: .concept, target: slot)
                                }
                            }
                        }
                        if Set(slots).count != slots.count { throw fail("\(rulePlace) › together: a concept is listed twice") }
                        program.together.append((ruleIndex, slots))
                    }
                    if let implication = rule.impliedBy {
                        let of = try otherCodes(
                            implication.of,
                            labels,
                            own: c,
                            at: "\(rulePlace) › implied_by",
                            field: field.name,
                            ownCode: "a code cannot imply itself"
                        )
                        guard implication.atLeast >= 1, implication.atLeast <= of.count else {
                            throw fail("\(rulePlace) › implied_by: at_least must be between 1 and the \(of.count) listed codes")
                        }
                        program.implied.append((ruleIndex, FieldProgram.Implied(atLeast: implication.atLeast, of: of)))
                    }
                    program.ruleIDs.append(rule.id)
                    program.ruleLabels.append(label)
                    program.ruleConfidence.append(rule.confidence)
                    program.ruleReviewOnly.append(rule.reviewOnly)
                    program.ruleYields.append(
                        try otherCodes(
                            rule.yieldsTo,
                            labels,
                            own: c,
                            at: "\(rulePlace) › yields_to",
                            field: field.name,
                            ownCode: "a rule cannot yield to its own code"
                        )
                    )
                    try add(
                        rule.phrases,
                        "phrases",
                        at: rulePlace,
                        as: .phrase(tolerant: rule.fuzzy, stem: rule.stem),
                        expanding: true,
                        entry: .rule,
                        target: ruleIndex
                    )
                    try add(rule.misspellings, "misspellings", at: rulePlace, as: .phrase(tolerant: rule.fuzzy), entry: .rule, target: ruleIndex)
                    try add(
                        rule.abbreviations,
                        "abbreviations",
                        at: rulePlace,
                        as: .abbreviation(caseSensitive: rule.caseSensitive),
                        entry: .rule,
                        target: ruleIndex
                    )
                }
                try add(code.exclude, "exclude", at: codePlace, as: .phrase(tolerant: false), expanding: true, entry: .exclusion, target: label)
            }

            for (k, number) in field.numbers.enumerated() {
                let numberPlace = "\(place) › numbers[\(k)] \(number.name)"
                guard Self.isIdentifier(number.name) else { throw fail("\(numberPlace): a number name uses lower-case letters, digits and _") }
                if let other = numberNames[number.name] { throw fail("\(numberPlace): the number name is already used at \(other)") }
                numberNames[number.name] = numberPlace
                try claim(number.id, numberPlace)
                guard !number.units.isEmpty else {
                    throw fail("\(numberPlace): the number has no units; list e.g. {words: [week, weeks], factor: 1}")
                }
                var units: [Int32: Double] = [:]
                for (u, unit) in number.units.enumerated() {
                    guard !unit.words.isEmpty else { throw fail("\(numberPlace) › units[\(u)]: the unit has no words") }
                    for word in unit.words {
                        let id = try parser.singleWord(word, context: "\(numberPlace) › units[\(u)]", into: &lexicon)
                        if units[id] != nil { throw fail("\(numberPlace) › units[\(u)]: '\(word)' is listed in two units") }
                        units[id] = unit.factor
                    }
                }
                var hyphenJoins = false
                var joiners: [Int32] = []
                if let range = number.range {
                    guard !range.joiners.isEmpty else { throw fail("\(numberPlace) › range: list the joiners, e.g. [\"-\", to, and]") }
                    for word in range.joiners {
                        if word == "-" {
                            hyphenJoins = true
                            continue
                        }
                        joiners.append(try parser.singleWord(word, context: "\(numberPlace) › range.joiners", into: &lexicon))
                    }
                }
                let phaseJoiners = try parser.singleWords(number.phaseJoiners, context: "\(numberPlace) › phase_joiners", into: &lexicon)
                var articleWords: [Int32] = []
                var halfWords: [Int32] = []
                if let article = number.article {
                    guard !article.words.isEmpty, !article.after.isEmpty else {
                        throw fail("\(numberPlace) › article: list the words (a, an) and the phrases they follow (up to, lasts)")
                    }
                    articleWords = try parser.singleWords(article.words, context: "\(numberPlace) › article.words", into: &lexicon)
                    halfWords = try parser.singleWords(article.half, context: "\(numberPlace) › article.half", into: &lexicon)
                }
                let low = number.min ?? -.infinity
                let high = number.max ?? .infinity
                guard low <= high else { throw fail("\(numberPlace): min must not exceed max") }
                let index = Int32(program.numbers.count)
                program.numbers.append(
                    FieldProgram.Number(
                        name: number.name,
                        ruleID: number.id,
                        units: units,
                        hyphenJoins: hyphenJoins,
                        joiners: joiners,
                        take: number.range?.take,
                        phaseJoiners: phaseJoiners,
                        articleWords: articleWords,
                        halfWords: halfWords,
                        round: number.round,
                        min: low,
                        max: high
                    )
                )
                // Phrases around a quantity, matched word for word.
                let around: [(phrases: [String], key: String, kind: FieldProgram.Entry.Kind)] = [
                    (number.notPrecededBy, "not_preceded_by", .numberBefore),
                    (number.notFollowedBy, "not_followed_by", .numberAfter),
                    (number.article?.after ?? [], "article.after", .numberArticle),
                ]
                for (phrases, key, kind) in around {
                    for (p, phrase) in phrases.enumerated() {
                        let parsed = try parser.parse(
                            phrase,
                            kind: .phrase(tolerant: false),
                            context: "\(numberPlace) › \(key)[\(p)]",
                            into: &lexicon
                        )
                        program.add(parsed, kind: kind, target: index)
                    }
                }
            }
            pending.append(program)
        }

        var model: SecondOpinion? = nil
        if let path = book.review.secondOpinion {
            guard let loaded = book.secondOpinion else {
                throw fail("review.second_opinion: the model '\(path)' was not loaded (read the codebook from its file)")
            }
            model = loaded
        }
        // The second opinion's words share the lexicon's table: a token's one lookup finds both.
        var forms: [(word: [UInt8], form: Int32)] = []
        if let model {
            do { forms = try CompiledSecondOpinion.forms(of: model) } catch { throw fail(error.message) }
        }
        let built = lexicon.build(
            tolerance: book.text.tolerance,
            sameFirstLetter: book.text.sameFirstLetter,
            stemmer: stemmer,
            forms: forms
        )
        var forwardStops = [Bool](repeating: false, count: built.count)
        var backwardStops = [Bool](repeating: false, count: built.count)
        for id in forwardStopIDs { forwardStops[Int(id)] = true }
        for id in backwardStopIDs { backwardStops[Int(id)] = true }
        for (key, names) in [("number_fields", book.review.numberFields), ("clause_fields", book.review.clauseFields)] {
            for (k, name) in names.enumerated() where !fieldNames.contains(name) {
                throw fail("review.\(key)[\(k)]: the codebook declares no field '\(name)'")
            }
        }
        let fields = pending.map { field in
            let vocabulary = Self.vocabulary(of: field.patterns, entries: field.entries, lexicon: built, common: commonWordIDs)
            return FieldProgram(
                name: field.name,
                sources: field.sources,
                labelNames: field.labelNames,
                labelReported: field.labelReported,
                confused: field.confused,
                ruleIDs: field.ruleIDs,
                ruleLabels: field.ruleLabels,
                ruleConfidence: field.ruleConfidence,
                ruleReviewOnly: field.ruleReviewOnly,
                ruleYields: field.ruleYields,
                implied: field.implied,
                together: field.together,
                cues: field.cues,
                untilWords: field.untilWords,
                entries: field.entries,
                exactCases: field.exactCases,
                numbers: field.numbers,
                trie: PhraseTrie(patterns: field.patterns, lexicon: built),
                vocabulary: vocabulary.words,
                vocabularyStems: vocabulary.stems,
                numbersAreVocabulary: book.review.numberFields.contains(field.name),
                checksClauses: book.review.clauseFields.contains(field.name)
            )
        }
        var secondOpinion: CompiledSecondOpinion? = nil
        if let model {
            do {
                secondOpinion = try CompiledSecondOpinion(model, margin: book.review.secondOpinionMargin, fields: fields)
            } catch {
                throw fail(error.message)
            }
        }
        return CompiledCodebook(
            version: book.version,
            lexicon: built,
            fields: fields,
            breaks: breaks,
            forwardStops: forwardStops,
            backwardStops: backwardStops,
            minConfidence: book.review.minConfidence,
            clauseBreaks: clauseBreaks,
            misspellingConfidence: book.review.misspellingConfidence,
            scopedSentenceConfidence: book.review.scopedSentenceConfidence,
            confusedConfidence: book.review.confusedConfidence,
            cancelledBesideCode: book.review.cancelledBesideCode,
            uncodedTextWithoutVocabulary: book.review.uncodedTextWithoutVocabulary,
            stemming: built.stemCount > 0 ? book.text.stemming : nil,
            secondOpinion: secondOpinion
        )
    }

    /// A field's vocabulary: the words of its rule and concept patterns that are not common words,
    /// by lexicon id, and their stems, by stem id.
    private static func vocabulary(
        of patterns: [(elements: [PatternElement], entry: Int32)],
        entries: [FieldProgram.Entry],
        lexicon: Lexicon,
        common: Set<Int32>
    ) -> (words: [Bool], stems: [Bool]) {
        var words = [Bool](repeating: false, count: lexicon.count)
        var stems = [Bool](repeating: false, count: lexicon.stemCount)
        for pattern in patterns where [.rule, .concept].contains(entries[Int(pattern.entry)].kind) {
            for element in pattern.elements {
                let id: Int32
                switch element {
                case .word(let word, _), .stemmed(let word): id = word
                case .number, .gap: continue
                }
                guard !common.contains(id) else { continue }
                words[Int(id)] = true
                let stem = lexicon.stemOf[Int(id)]
                if stem >= 0 { stems[Int(stem)] = true }
            }
        }
        return (words, stems)
    }

    /// Most variants one phrase may expand to through its concepts.
    private static let maximumVariants = 5000

    /// The phrase with every `@concept` replaced by each of the concept's phrases (words marked
    /// as matched by stem), as many phrases as there are combinations.
    /// - Throws: for an unknown concept, a concept that uses itself, or too many combinations.
    private func expand(_ phrase: String, context: String, depth: Int = 0) throws(SurveyDefinitionError) -> [String] {
        guard depth < 5 else { throw fail("\(context) '\(phrase)': concepts nest more than 5 deep (does a concept use itself?)") }
        var results = [""]
        for chunk in phrase.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if chunk.contains(PhraseParser.stemMark) {
                throw fail("\(context) '\(phrase)': '^' looks like regular-expression syntax; phrases are literal words")
            }
            guard chunk.first == "@" else {
                results = results.map { $0.isEmpty ? String(chunk) : $0 + " " + chunk }
                continue
            }
            let name = String(chunk.dropFirst())
            guard let terms = codebook.concepts[name] else {
                var message = "\(context) '\(phrase)': unknown concept '@\(name)'"
                if let nearest = Spelling.closest(to: name, in: Array(codebook.concepts.keys)) { message += " (did you mean '@\(nearest)'?)" }
                throw fail(message + "; define it under concepts:")
            }
            var alternatives: [String] = []
            for term in terms {
                alternatives += try expand(term, context: "concepts.\(name)", depth: depth + 1).map(Self.markStemmed)
            }
            results = results.flatMap { head in alternatives.map { head.isEmpty ? $0 : head + " " + $0 } }
            guard results.count <= Self.maximumVariants else {
                throw fail("\(context) '\(phrase)': expands to more than \(Self.maximumVariants) phrases; split the rule or use together:")
            }
        }
        return results
    }

    /// Marks the words of a concept phrase as matched by stem (gaps, numbers and `*` stay as they are).
    private static func markStemmed(_ phrase: String) -> String {
        phrase.split(separator: " ").map { chunk in
            chunk == "*" || chunk.first == "~" || chunk.first == "#" || chunk.first == PhraseParser.stemMark
                ? String(chunk) : String(PhraseParser.stemMark) + chunk
        }.joined(separator: " ")
    }
}
