extension PartialTally {
    /// Appends the partial's wire JSON to `output`, written directly: the members and shapes of
    /// its `Codable` form (what `JSONEncoder` writes), every object's keys in byte order, so equal
    /// tallies give equal bytes. `tally-aggregate` writes one per partition at every debounced
    /// publication; through `JSONEncoder` that was about 13% of its CPU at 1,000 submissions/s.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"#.utf8)
        if let asOf {
            output.append(contentsOf: #""as_of":"#.utf8)
            JSONWriter.writeString(asOf, into: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""codebook_versions":"#.utf8)
        Self.writeCounts(codebookVersions, into: &output)
        output.append(contentsOf: #","counted":"#.utf8)
        Self.writeInteger(counted, into: &output)
        output.append(contentsOf: #","crosstabs":"#.utf8)
        Self.writeObject(crosstabs, into: &output) { rows, output in
            Self.writeObject(rows, into: &output) { cells, output in Self.writeCounts(cells, into: &output) }
        }
        output.append(contentsOf: #","fields":"#.utf8)
        Self.writeObject(fields, into: &output) { field, output in
            output.append(contentsOf: #"{"answered":"#.utf8)
            Self.writeInteger(field.answered, into: &output)
            output.append(contentsOf: #","codes":"#.utf8)
            Self.writeCounts(field.codes, into: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #","form_id":"#.utf8)
        JSONWriter.writeString(formId, into: &output)
        output.append(contentsOf: #","form_versions":"#.utf8)
        Self.writeCounts(formVersions, into: &output)
        output.append(contentsOf: #","format":"#.utf8)
        Self.writeInteger(format, into: &output)
        output.append(contentsOf: #","free_text_answered":"#.utf8)
        Self.writeCounts(freeTextAnswered, into: &output)
        output.append(contentsOf: #","numeric":"#.utf8)
        Self.writeObject(numeric, into: &output) { multiset, output in
            output.append(UInt8(ascii: "["))
            for (n, (value, count)) in multiset.sortedCounts.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "["))
                JSONWriter.writeNumber(value, into: &output)
                output.append(UInt8(ascii: ","))
                Self.writeInteger(count, into: &output)
                output.append(UInt8(ascii: "]"))
            }
            output.append(UInt8(ascii: "]"))
        }
        output.append(contentsOf: #","paradata":"#.utf8)
        paradata.writeJSON(into: &output)
        output.append(contentsOf: #","partitions":{"#.utf8)
        for (n, (partition, sequence)) in partitions.sorted(by: { JSONWriter.precedes(String($0.key), String($1.key)) }).enumerated() {
            if n > 0 { output.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(String(partition), into: &output)
            output.append(UInt8(ascii: ":"))
            output.append(contentsOf: String(sequence).utf8)
        }
        output.append(contentsOf: #"},"responded_by_region":"#.utf8)
        Self.writeCounts(respondedByRegion, into: &output)
        output.append(UInt8(ascii: "}"))
    }

    /// `{"key":count,…}` with keys in byte order.
    static func writeCounts(_ counts: [String: Int], into output: inout [UInt8]) {
        writeObject(counts, into: &output) { count, output in writeInteger(count, into: &output) }
    }

    /// `{"key":value,…}` with keys in byte order, each value written by `writeValue`.
    static func writeObject<Value>(_ members: [String: Value], into output: inout [UInt8],
                                   _ writeValue: (Value, inout [UInt8]) -> Void) {
        output.append(UInt8(ascii: "{"))
        let sorted = members.count < 2 ? Array(members) : members.sorted { JSONWriter.precedes($0.key, $1.key) }
        for (n, member) in sorted.enumerated() {
            if n > 0 { output.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(member.key, into: &output)
            output.append(UInt8(ascii: ":"))
            writeValue(member.value, &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    static func writeInteger(_ value: Int, into output: inout [UInt8]) {
        output.append(contentsOf: String(value).utf8)
    }
}

extension ParadataCounts {
    /// Appends the counts' JSON (the members of their `Codable` form, keys in byte order).
    func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"accepted_edits":"#.utf8)
        PartialTally.writeInteger(acceptedEdits, into: &output)
        output.append(contentsOf: #","accepted_first_submissions":"#.utf8)
        PartialTally.writeInteger(acceptedFirstSubmissions, into: &output)
        output.append(contentsOf: #","accepted_versions_per_day":"#.utf8)
        PartialTally.writeCounts(acceptedVersionsPerDay, into: &output)
        output.append(contentsOf: #","invalid_messages_by_problem_codes":"#.utf8)
        PartialTally.writeCounts(invalidMessagesByProblemCode, into: &output)
        output.append(contentsOf: #","invalid_problems_by_code":"#.utf8)
        PartialTally.writeCounts(invalidProblemsByCode, into: &output)
        output.append(contentsOf: #","noop_identical_resends":"#.utf8)
        PartialTally.writeInteger(noopIdenticalResends, into: &output)
        output.append(contentsOf: #","rejected_by_reason":"#.utf8)
        PartialTally.writeCounts(rejectedByReason, into: &output)
        output.append(UInt8(ascii: "}"))
    }
}
