/// A code found in a text: which rule, over which tokens `start..<end`.
struct Finding {
    var label: Int32
    var rule: Int32
    var start: Int32
    var end: Int32
    /// For a cancelled mention, the index of the cue whose scope covers it; else -1.
    var cue: Int32 = -1
    /// Weak signals behind a found code: ``Finding/misspelled``, ``Finding/scoped``.
    var weak: UInt8 = 0

    /// The match used a misspelling of a codebook word.
    static let misspelled: UInt8 = 1
    /// The match is in a sentence that also holds a past, abandoned, rejected or future cue, or a doubt phrase.
    static let scoped: UInt8 = 2
    /// The match is in a sentence that also holds a found code it is confused with.
    static let confused: UInt8 = 4
}

/// A number found in a text, over tokens `start..<end`.
struct NumberFinding {
    var number: Int32
    var value: Double
    var start: Int32
    var end: Int32
}

/// Buffers reused across texts and calls (see ``AnalysisPool``), so coding a submission allocates little.
struct TextAnalysis: ~Copyable {
    /// The tokens of the current text: a view of `tokenStorage`, raw memory with room for one
    /// token per byte of text, so filling it costs no capacity or uniqueness check per word.
    private(set) var tokens: UnsafeMutableBufferPointer<Token>
    private var tokenStorage: UnsafeMutablePointer<Token>
    private var tokenCapacity: Int
    private var matches: [RawMatch] = []
    private var pseudo: [RawMatch] = []
    private var cueMatches: [RawMatch] = []
    private var conceptMatches: [RawMatch] = []
    /// Per token, its sentence number (filled only when a `together` rule needs it).
    private var sentences: [Int32] = []
    private var scopes: [(start: Int32, end: Int32, cue: Int32)] = []
    private var exclusions: [RawMatch] = []
    private var ruleMatches: [RawMatch] = []
    private var guards: [RawMatch] = []
    private var doubts: [RawMatch] = []
    /// Matches of `review.empty_answers` phrases in the current text.
    private var empties: [RawMatch] = []
    private var present: [Bool] = []
    /// Codes found, in text order.
    private(set) var positives: [Finding] = []
    /// Codes mentioned inside a negation scope.
    private(set) var negated: [Finding] = []
    /// Matches of `review_only` rules (not coded), first per rule.
    private(set) var suggested: [Finding] = []
    /// Numbers found, at most one per number rule.
    private(set) var numbers: [NumberFinding] = []
    /// Tokens `start..<end` of the first clause of a coded text that matched no rule but uses the
    /// field's vocabulary, or `nil`.
    private(set) var uncodedClause: (start: Int32, end: Int32)? = nil
    /// Misspelling searches and stems of unknown words, kept across texts and calls.
    private var memo = SpellingMemo()
    /// Buffers of the second opinion (``CompiledSecondOpinion/disagreements(field:tokens:scratch:coded:)``).
    var secondOpinion = SecondOpinionScratch()
    /// Stems unknown words when the codebook matches words by stem (made on first use).
    private var stemmer: SnowballStemmer?

    init() {
        tokenCapacity = 512
        tokenStorage = .allocate(capacity: tokenCapacity)
        tokens = UnsafeMutableBufferPointer(start: tokenStorage, count: 0)
        matches.reserveCapacity(64)
    }

    deinit {
        tokenStorage.deallocate()
    }

    /// The UTF-8 byte span of tokens `start..<end`.
    func byteSpan(_ start: Int32, _ end: Int32) -> Range<Int> {
        Int(tokens[Int(start)].start)..<Int(tokens[Int(end) - 1].end)
    }

    /// Codes one text for one field; results are in ``positives``, ``negated`` and ``numbers``.
    mutating func run(_ field: FieldProgram, on text: UnsafeBufferPointer<UInt8>, in book: CompiledCodebook) {
        tokens = UnsafeMutableBufferPointer(start: tokenStorage, count: 0)
        matches.clearKeepingCapacity()
        positives.clearKeepingCapacity()
        negated.clearKeepingCapacity()
        suggested.clearKeepingCapacity()
        numbers.clearKeepingCapacity()
        uncodedClause = nil
        empties.clearKeepingCapacity()
        let needed = text.count * book.lexicon.tokensPerByte
        if needed > tokenCapacity {
            tokenStorage.deallocate()
            tokenCapacity = needed
            tokenStorage = .allocate(capacity: tokenCapacity)
        }
        if stemmer == nil, let language = book.stemming { stemmer = SnowballStemmer(language: language) }
        tokens = UnsafeMutableBufferPointer(
            start: tokenStorage,
            count: book.lexicon.tokenize(text, into: tokenStorage, memo: &memo, stemmer: stemmer)
        )
        if tokens.isEmpty { return }
        field.trie.scan(UnsafeBufferPointer(tokens), lexicon: book.lexicon, breaks: book.breaks, into: &matches)
        if !matches.isEmpty {
            sortMatches(field, text)
            findScopes(field, book)
            classify(field)
            if !conceptMatches.isEmpty && !field.together.isEmpty { applyTogether(field, book) }
            if positives.count > 1 && field.yields { applyYields(field, book) }
            if !positives.isEmpty, book.misspellingConfidence < 1 || book.scopedSentenceConfidence < 1 || book.confusedConfidence < 1 {
                markWeakSignals(field, book)
            }
            if !positives.isEmpty && !field.implied.isEmpty { applyImplications(field) }
            if !positives.isEmpty && field.checksClauses { findUncodedClause(field, book) }
        } else {
            ruleMatches.clearKeepingCapacity()
            guards.clearKeepingCapacity()
            scopes.clearKeepingCapacity()
        }
        if !field.numbers.isEmpty,
            tokens.contains(where: { !$0.value.isNaN }) || guards.contains(where: { field.entries[Int($0.entry)].kind == .numberArticle })
        {
            readNumbers(field, book)
        }
    }

    /// Sorts by (entry, start, end), keeps the shortest match per (entry, start), drops
    /// case-sensitive abbreviations written in another case, and splits matches by kind.
    private mutating func sortMatches(_ field: FieldProgram, _ text: UnsafeBufferPointer<UInt8>) {
        if matches.count > 1 { Self.sort(&matches) { $0.entryOrder } }
        pseudo.clearKeepingCapacity()
        cueMatches.clearKeepingCapacity()
        conceptMatches.clearKeepingCapacity()
        exclusions.clearKeepingCapacity()
        ruleMatches.clearKeepingCapacity()
        guards.clearKeepingCapacity()
        doubts.clearKeepingCapacity()
        var previous: RawMatch? = nil
        for match in matches {
            if let p = previous, p.entry == match.entry, p.start == match.start { continue }
            previous = match
            let entry = field.entries[Int(match.entry)]
            if entry.exactCase >= 0, !hasExactCase(match, field.exactCases[Int(entry.exactCase)], text) { continue }
            switch entry.kind {
            case .rule: ruleMatches.append(match)
            case .exclusion: exclusions.append(match)
            case .cue: cueMatches.append(match)
            case .pseudo: pseudo.append(match)
            case .concept: conceptMatches.append(match)
            case .numberBefore, .numberAfter, .numberArticle: guards.append(match)
            case .doubt: doubts.append(match)
            case .empty: empties.append(match)
            }
        }
        if ruleMatches.count > 1 { Self.sort(&ruleMatches) { $0.textOrder } }
    }

    /// Sorts by a unique-enough integer key: insertion sort for the short lists a text usually
    /// yields (no closure call per comparison), the standard sort beyond.
    @inline(__always)
    private static func sort(_ list: inout [RawMatch], by key: (RawMatch) -> UInt64) {
        let count = list.count
        if count > 32 {
            list.sort { key($0) < key($1) }
            return
        }
        list.withUnsafeMutableBufferPointer { items in
            for i in 1..<count {
                let item = items[i]
                let itemKey = key(item)
                var j = i
                while j > 0, key(items[j - 1]) > itemKey {
                    items[j] = items[j - 1]
                    j -= 1
                }
                items[j] = item
            }
        }
    }

    private func hasExactCase(_ match: RawMatch, _ exact: [[UInt8]], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard Int(match.end - match.start) == exact.count else { return false }
        for (k, word) in exact.enumerated() {
            let token = tokens[Int(match.start) + k]
            guard Int(token.end - token.start) == word.count else { return false }
            for (offset, byte) in word.enumerated() where text[Int(token.start) + offset] != byte { return false }
        }
        return true
    }

    @inline(__always)
    private static func overlaps(_ a: RawMatch, _ b: RawMatch) -> Bool { a.start < b.end && b.start < a.end }

    /// Turns cue matches (outside pseudo-negations) into token ranges that are negated.
    private mutating func findScopes(_ field: FieldProgram, _ book: CompiledCodebook) {
        scopes.clearKeepingCapacity()
        if cueMatches.isEmpty { return }
        let n = Int32(tokens.count)
        for cueMatch in cueMatches {
            if pseudo.contains(where: { Self.overlaps($0, cueMatch) }) { continue }
            let cueIndex = field.entries[Int(cueMatch.entry)].target
            let cue = field.cues[Int(cueIndex)]
            let window = cue.window
            if cue.forward {
                var k = cueMatch.end
                let limit = min(n, cueMatch.end + window)
                while k < limit {
                    let token = tokens[Int(k)]
                    if !token.marksBefore.isDisjoint(with: book.breaks) { break }
                    if token.id >= 0, book.forwardStops[Int(token.id)] || field.untilWords[Int(cue.untilStart)..<Int(cue.untilEnd)].contains(token.id)
                    {
                        break
                    }
                    k += 1
                }
                if k > cueMatch.end { scopes.append((cueMatch.end, k, cueIndex)) }
            }
            if cue.backward, tokens[Int(cueMatch.start)].marksBefore.isDisjoint(with: book.breaks) {
                var k = cueMatch.start
                let lower = max(0, cueMatch.start - window)
                while k > lower {
                    let token = tokens[Int(k - 1)]
                    if token.id >= 0, book.backwardStops[Int(token.id)] { break }
                    k -= 1
                    if !token.marksBefore.isDisjoint(with: book.breaks) { break }
                }
                if k < cueMatch.start { scopes.append((k, cueMatch.start, cueIndex)) }
            }
        }
    }

    @inline(__always)
    private func isNegated(_ position: Int32) -> Bool {
        scopes.contains { position >= $0.start && position < $0.end }
    }

    /// The cue whose scope covers `position`, or -1.
    @inline(__always)
    private func negatingCue(_ position: Int32) -> Int32 {
        scopes.first { position >= $0.start && position < $0.end }?.cue ?? -1
    }

    /// Drops excluded matches and sorts the rest into found and negated codes, keeping the
    /// first (and, at one start, the longest) match of each rule: one piece of evidence per rule
    /// and text is enough to audit a code, and keeps results small for long texts.
    private mutating func classify(_ field: FieldProgram) {
        present.clearKeepingCapacity()
        present.append(contentsOf: repeatElement(false, count: field.labelNames.count))
        for match in ruleMatches {
            let ruleIndex = field.entries[Int(match.entry)].target
            let label = field.ruleLabels[Int(ruleIndex)]
            if isExcluded(match, label, field) { continue }
            var finding = Finding(label: label, rule: ruleIndex, start: match.start, end: match.end)
            let cue = negatingCue(match.start)
            if field.ruleReviewOnly[Int(ruleIndex)] && cue < 0 {
                suggest(finding)
            } else if cue >= 0 {
                finding.cue = cue
                if !negated.contains(where: { $0.rule == ruleIndex }) { negated.append(finding) }
            } else if !positives.contains(where: { $0.rule == ruleIndex }) {
                positives.append(finding)
                present[Int(label)] = true
            }
        }
    }

    @inline(__always)
    private func isExcluded(_ match: RawMatch, _ label: Int32, _ field: FieldProgram) -> Bool {
        exclusions.contains { field.entries[Int($0.entry)].target == label && Self.overlaps($0, match) }
    }

    /// Evaluates `together` rules: the code is found when each listed concept has a mention (not
    /// excluded for the code) in one sentence; when every such sentence has only negated mentions
    /// of the concepts, the code is cancelled instead ("we have no universal prevention offer"). A
    /// sentence where a cue covers only some of the mentions neither finds nor cancels the code:
    /// "instead of Signs of Safety we have a relational model" does not mention a blend.
    /// The evidence spans the mentions used. A `review_only` rule's code found this way is only
    /// suggested for review, like its phrase matches.
    private mutating func applyTogether(_ field: FieldProgram, _ book: CompiledCodebook) {
        sentences.clearKeepingCapacity()
        var sentence: Int32 = 0
        for token in tokens {
            if !token.marksBefore.isDisjoint(with: book.breaks) { sentence += 1 }
            sentences.append(sentence)
        }
        for (ruleIndex, concepts) in field.together {
            let label = field.ruleLabels[Int(ruleIndex)]
            if positives.contains(where: { $0.rule == ruleIndex }) { continue }
            var found: Finding? = nil
            var cancelled: Finding? = nil
            for first in conceptMatches where field.entries[Int(first.entry)].target == concepts[0] && !isExcluded(first, label, field) {
                let here = sentences[Int(first.start)]
                var start = first.start
                var end = first.end
                var cue = negatingCue(first.start)
                var allNegated = cue >= 0
                var complete = true
                for concept in concepts.dropFirst() {
                    var best: RawMatch? = nil
                    var bestCue: Int32 = -1
                    for match in conceptMatches
                    where field.entries[Int(match.entry)].target == concept
                        && sentences[Int(match.start)] == here && !isExcluded(match, label, field)
                    {
                        let matchCue = negatingCue(match.start)
                        if best == nil || (bestCue >= 0 && matchCue < 0) {
                            best = match
                            bestCue = matchCue
                        }
                    }
                    guard let best else {
                        complete = false
                        break
                    }
                    start = min(start, best.start)
                    end = max(end, best.end)
                    if bestCue < 0 { allNegated = false }
                    if cue < 0 { cue = bestCue }
                }
                guard complete else { continue }
                if cue < 0 {
                    found = Finding(label: label, rule: ruleIndex, start: start, end: end)
                    break
                }
                if cancelled == nil, allNegated { cancelled = Finding(label: label, rule: ruleIndex, start: start, end: end, cue: cue) }
            }
            if let found, field.ruleReviewOnly[Int(ruleIndex)] {
                suggest(found)
            } else if let found {
                positives.append(found)
                present[Int(label)] = true
            } else if let cancelled, !negated.contains(where: { $0.rule == ruleIndex }) {
                negated.append(cancelled)
            }
        }
    }

    /// Turns a found code whose rule yields to another code found in the same sentence into a
    /// suggestion (`yields_to`): the figures of a before/after comparison are not also performance data.
    /// The code stays found when another of its rules found it outside such a sentence.
    private mutating func applyYields(_ field: FieldProgram, _ book: CompiledCodebook) {
        var k = 0
        while k < positives.count {
            let finding = positives[k]
            let yields = field.ruleYields[Int(finding.rule)]
            if !yields.isEmpty {
                let (start, end) = sentence(around: finding, book)
                if positives.contains(where: { yields.contains($0.label) && $0.start >= start && $0.end <= end }) {
                    positives.remove(at: k)
                    suggest(finding)
                    present[Int(finding.label)] = positives.contains { $0.label == finding.label }
                    continue
                }
            }
            k += 1
        }
    }

    /// Adds `finding` to the codes suggested for review, once per rule.
    private mutating func suggest(_ finding: Finding) {
        if !suggested.contains(where: { $0.rule == finding.rule }) { suggested.append(finding) }
    }

    /// The token range of the sentence holding `finding`.
    private func sentence(around finding: Finding, _ book: CompiledCodebook) -> (start: Int32, end: Int32) {
        var start = finding.start
        while start > 0, tokens[Int(start)].marksBefore.isDisjoint(with: book.breaks) { start -= 1 }
        return (start, Int32(sentenceEnd(from: Int(finding.end), before: tokens.count, book)))
    }

    /// The first token at or after `from`, and before `limit`, that starts a new sentence; `limit` when none does.
    private func sentenceEnd(from: Int, before limit: Int, _ book: CompiledCodebook) -> Int {
        var end = from
        while end < limit, tokens[end].marksBefore.isDisjoint(with: book.breaks) { end += 1 }
        return end
    }

    /// Evaluates `implied_by` rules in codebook order over the codes found so far.
    private mutating func applyImplications(_ field: FieldProgram) {
        for (ruleIndex, implied) in field.implied {
            let label = field.ruleLabels[Int(ruleIndex)]
            var count = 0
            var start = Int32.max
            var end = Int32.min
            var weak: UInt8 = 0
            for label in implied.of where present[Int(label)] {
                count += 1
                if let first = positives.first(where: { $0.label == label }) {
                    start = min(start, first.start)
                    end = max(end, first.end)
                    weak |= first.weak
                }
            }
            if count >= implied.atLeast, start < end {
                positives.append(Finding(label: label, rule: ruleIndex, start: start, end: end, weak: weak))
                present[Int(label)] = true
            }
        }
    }

    // MARK: Review signals

    /// Flags found codes that rest on a weak signal: a first or last word matched only as a possible
    /// misspelling (an unknown word standing in for a codebook word, outside any stem match), or,
    /// in the code's sentence, a found code it is confused with, a doubt phrase or a scope cue of a
    /// kind other than plain negation (past, abandoned, rejected, future; outside a pseudo-negation). "Not" or "no" next to a code is
    /// usually about something else ("it works but we have not evaluated it").
    private mutating func markWeakSignals(_ field: FieldProgram, _ book: CompiledCodebook) {
        for k in positives.indices {
            let finding = positives[k]
            var weak: UInt8 = 0
            // A pattern starts and ends with a word (never a gap), so an unknown word there that may be
            // a misspelling was matched as one; an unknown word inside may just fill a gap.
            if book.misspellingConfidence < 1, isMisspelling(tokens[Int(finding.start)]) || isMisspelling(tokens[Int(finding.end) - 1]) {
                weak |= Finding.misspelled
            }
            let confusedWith = field.confused[Int(finding.label)]
            if book.scopedSentenceConfidence < 1 && (!cueMatches.isEmpty || !doubts.isEmpty) || book.confusedConfidence < 1 && !confusedWith.isEmpty {
                let (start, end) = sentence(around: finding, book)
                if !confusedWith.isEmpty, positives.contains(where: { confusedWith.contains($0.label) && $0.start >= start && $0.end <= end }) {
                    weak |= Finding.confused
                }
                if book.scopedSentenceConfidence < 1,
                    doubts.contains(where: { $0.start >= start && $0.end <= end })
                        || cueMatches.contains(where: { cue in
                            cue.start >= start && cue.end <= end && field.cues[Int(field.entries[Int(cue.entry)].target)].kind != .negation
                                && !pseudo.contains { Self.overlaps($0, cue) }
                        })
                {
                    weak |= Finding.scoped
                }
            }
            positives[k].weak = weak
        }
    }

    /// Whether a token is an unknown word that the matcher may take for a codebook word it misspells.
    @inline(__always)
    private func isMisspelling(_ token: Token) -> Bool { token.id < 0 && token.stem < 0 && token.alternative0 >= 0 }

    /// Finds the first clause (cut at ``CompiledCodebook/clauseBreaks``) that no rule, exclusion, cue
    /// or found code touches but that holds a word of the field's vocabulary: what a coded text says
    /// that the rules did not explain. A one-clause text is explained by its code.
    private mutating func findUncodedClause(_ field: FieldProgram, _ book: CompiledCodebook) {
        let n = Int32(tokens.count)
        var start: Int32 = 0
        while start < n {
            var end = start + 1
            while end < n, tokens[Int(end)].marksBefore.isDisjoint(with: book.clauseBreaks) { end += 1 }
            if start > 0 || end < n, !isExplained(start, end), usesVocabulary(field, start, end) {
                uncodedClause = (start, end)
                return
            }
            start = end
        }
    }

    /// Whether a rule match (found, cancelled, suggested or excluded), an exclusion, a cue or a found
    /// code touches tokens `start..<end`.
    private func isExplained(_ start: Int32, _ end: Int32) -> Bool {
        func touches(_ s: Int32, _ e: Int32) -> Bool { s < end && start < e }
        return ruleMatches.contains { touches($0.start, $0.end) } || exclusions.contains { touches($0.start, $0.end) }
            || cueMatches.contains { touches($0.start, $0.end) } || positives.contains { touches($0.start, $0.end) }
    }

    /// Whether tokens `start..<end` hold a word (or stem, or number) of the field's vocabulary.
    private func usesVocabulary(_ field: FieldProgram, _ start: Int32, _ end: Int32) -> Bool {
        for token in tokens[Int(start)..<Int(end)] where isVocabulary(token, field) { return true }
        return false
    }

    @inline(__always)
    private func isVocabulary(_ token: Token, _ field: FieldProgram) -> Bool {
        (token.id >= 0 && field.vocabulary[Int(token.id)]) || (token.stem >= 0 && field.vocabularyStems[Int(token.stem)])
            || (field.numbersAreVocabulary && !token.value.isNaN)
    }

    /// Whether the text holds a word (or stem, or number) of the field's vocabulary.
    func usesVocabulary(_ field: FieldProgram) -> Bool { usesVocabulary(field, 0, Int32(tokens.count)) }

    /// Whether the text says it has nothing to code: it holds a `review.empty_answers` phrase, and
    /// no word outside those phrases is of the field's vocabulary ("n/a", "none yet", but not
    /// "no formal evaluation, but social workers say it works").
    func statesNothingToCode(_ field: FieldProgram) -> Bool {
        guard !empties.isEmpty else { return false }
        for (k, token) in tokens.enumerated() where isVocabulary(token, field) {
            let position = Int32(k)
            if !empties.contains(where: { position >= $0.start && position < $0.end }) { return false }
        }
        return true
    }

    // MARK: Numbers

    /// Reads each number rule's first acceptable quantity, adding the quantities of the phases that follow it
    /// ("6 weeks intensive, then 6 weeks lighter touch" is 12).
    private mutating func readNumbers(_ field: FieldProgram, _ book: CompiledCodebook) {
        for (index, number) in field.numbers.enumerated() {
            guard var found = firstQuantity(number, Int32(index), field, from: 0, startingBefore: tokens.count) else { continue }
            while let next = nextPhase(after: found, number, field, book), found.value + next.value <= number.max {
                found.value += next.value
                found.end = next.end
            }
            numbers.append(found)
        }
    }

    /// The quantity of the next phase: the first one after a phase joiner that follows `previous`
    /// within ``Codebook/NumberRule/phaseWindow`` words, in the same sentence.
    private func nextPhase(
        after previous: NumberFinding,
        _ number: FieldProgram.Number,
        _ field: FieldProgram,
        _ book: CompiledCodebook
    ) -> NumberFinding? {
        guard !number.phaseJoiners.isEmpty else { return nil }
        let limit = Swift.min(tokens.count, Int(previous.end) + Codebook.NumberRule.phaseWindow + 1)
        var k = Int(previous.end)
        while k < limit {
            if !tokens[k].marksBefore.isDisjoint(with: book.breaks) { return nil }
            if number.phaseJoiners.contains(tokens[k].id) {
                return firstQuantity(number, previous.number, field, from: k + 1, startingBefore: sentenceEnd(from: k + 1, before: limit, book))
            }
            k += 1
        }
        return nil
    }

    /// The first quantity of `number` that starts at or after token `from` and before `startingBefore`.
    private func firstQuantity(
        _ number: FieldProgram.Number,
        _ index: Int32,
        _ field: FieldProgram,
        from: Int,
        startingBefore limit: Int
    ) -> NumberFinding? {
        var i = from
        while i < limit {
            guard let (first, afterFirst) = readValue(at: i) else {
                if let found = articleQuantity(number, index, field, at: i) { return found }
                i += 1
                continue
            }
            var low = 0.0
            var high = 0.0
            var end = 0
            if let factor = unitFactor(number, at: afterFirst) {
                low = first * factor
                high = low
                end = afterFirst + 1
                if number.take != nil, let next = joiner(number, at: end), let (second, afterSecond) = readValue(at: next),
                    let secondFactor = unitFactor(number, at: afterSecond)
                {
                    high = second * secondFactor
                    end = afterSecond + 1
                }
            } else if number.take != nil, let next = joiner(number, at: afterFirst), let (second, afterSecond) = readValue(at: next),
                let factor = unitFactor(number, at: afterSecond)
            {
                low = first * factor
                high = second * factor
                end = afterSecond + 1
            } else {
                i = afterFirst
                continue
            }
            var value: Double
            switch number.take {
            case .low?: value = Swift.min(low, high)
            case .high?: value = Swift.max(low, high)
            case .midpoint?, nil: value = (low + high) / 2
            }
            if let found = accepted(value, number, index, field, start: i, end: end) { return found }
            i = end
        }
        return nil
    }

    /// "a year" at `i` right after an `article.after` phrase ("up to a year"), with half a unit
    /// more for "a year and a half".
    private func articleQuantity(_ number: FieldProgram.Number, _ index: Int32, _ field: FieldProgram, at i: Int) -> NumberFinding? {
        guard number.articleWords.contains(tokens[i].id), let factor = unitFactor(number, at: i + 1),
            guards.contains(where: {
                field.entries[Int($0.entry)].kind == .numberArticle && field.entries[Int($0.entry)].target == index && $0.end == Int32(i)
            })
        else { return nil }
        var value = factor
        var end = i + 2
        let half = number.halfWords
        if !half.isEmpty, end + half.count <= tokens.count, half.indices.allSatisfy({ tokens[end + $0].id == half[$0] }) {
            value += factor / 2
            end += half.count
        }
        return accepted(value, number, index, field, start: i, end: end)
    }

    /// The quantity `start..<end` with `value` (rounded when the rule says so), unless a
    /// `not_preceded_by` or `not_followed_by` phrase touches it, a cue negates it or it is out of bounds.
    private func accepted(
        _ value: Double,
        _ number: FieldProgram.Number,
        _ index: Int32,
        _ field: FieldProgram,
        start: Int,
        end: Int
    ) -> NumberFinding? {
        let value = number.round ? value.rounded(.toNearestOrAwayFromZero) : value
        let blocked = guards.contains { g in
            let entry = field.entries[Int(g.entry)]
            guard entry.target == index else { return false }
            switch entry.kind {
            case .numberBefore: return g.end == Int32(start)
            case .numberAfter: return g.start == Int32(end)
            default: return false
            }
        }
        guard !blocked, !isNegated(Int32(start)), value >= number.min, value <= number.max else { return nil }
        return NumberFinding(number: index, value: value, start: Int32(start), end: Int32(end))
    }

    /// A number at `i` ("12", "twelve", "twenty-four"): its value and the index after it.
    private func readValue(at i: Int) -> (Double, Int)? {
        guard i < tokens.count else { return nil }
        let token = tokens[i]
        guard !token.value.isNaN else { return nil }
        if !token.isDigits, token.value >= 20, token.value < 100, token.value.truncatingRemainder(dividingBy: 10) == 0,
            i + 1 < tokens.count
        {
            let next = tokens[i + 1]
            if !next.isDigits, next.value >= 1, next.value <= 9, next.value == next.value.rounded(),
                next.marksBefore.isSubset(of: .hyphen)
            {
                return (token.value + next.value, i + 2)
            }
        }
        return (token.value, i + 1)
    }

    /// The factor of a unit word at `k` written right after a number ("12 weeks", "12-week", "12+ weeks").
    private func unitFactor(_ number: FieldProgram.Number, at k: Int) -> Double? {
        guard k < tokens.count else { return nil }
        let token = tokens[k]
        guard token.id >= 0, token.marksBefore.isSubset(of: [.hyphen, .plus]) else { return nil }
        return number.units[token.id]
    }

    /// Where the second number of a range starts if a joiner is at `k` ("-", "to", "and").
    private func joiner(_ number: FieldProgram.Number, at k: Int) -> Int? {
        guard k < tokens.count else { return nil }
        let token = tokens[k]
        if number.hyphenJoins, token.marksBefore == .hyphen { return k }
        if token.marksBefore.isEmpty, token.id >= 0, number.joiners.contains(token.id), k + 1 < tokens.count,
            tokens[k + 1].marksBefore.isEmpty
        {
            return k + 1
        }
        return nil
    }
}
