extension PartialTally {
    /// Appends the partial's wire JSON to `output`, written directly: the members and shapes of
    /// its `Codable` form (what `JSONEncoder` writes), every object's keys in byte order, so equal
    /// tallies give equal bytes. `tally-aggregate` writes one per partition at every debounced
    /// publication, so the writer appends to one byte array without boxing any value.
    ///
    /// - Parameter output: The buffer to append to; what it holds already is kept, so one buffer can be reused.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"#.utf8)
        if let asOf {
            output.append(contentsOf: #""as_of":"#.utf8)
            JSONWriter.writeString(asOf, into: &output)
            output.append(UInt8(ascii: ","))
        }
        output.append(contentsOf: #""codebook_versions":"#.utf8)
        JSONWriter.writeCounts(codebookVersions, into: &output)
        if let codingReview {
            output.append(contentsOf: #","coding_review":"#.utf8)
            JSONWriter.writeCounts(codingReview, into: &output)
        }
        output.append(contentsOf: #","counted":"#.utf8)
        JSONWriter.writeInteger(Int64(counted), into: &output)
        output.append(contentsOf: #","crosstabs":"#.utf8)
        JSONWriter.writeObject(crosstabs, into: &output) { rows, output in
            JSONWriter.writeObject(rows, into: &output) { cells, output in JSONWriter.writeCounts(cells, into: &output) }
        }
        output.append(contentsOf: #","fields":"#.utf8)
        JSONWriter.writeObject(fields, into: &output) { field, output in
            output.append(contentsOf: #"{"answered":"#.utf8)
            JSONWriter.writeInteger(Int64(field.answered), into: &output)
            output.append(contentsOf: #","codes":"#.utf8)
            JSONWriter.writeCounts(field.codes, into: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #","form_id":"#.utf8)
        JSONWriter.writeString(formId, into: &output)
        output.append(contentsOf: #","form_versions":"#.utf8)
        JSONWriter.writeCounts(formVersions, into: &output)
        output.append(contentsOf: #","format":"#.utf8)
        JSONWriter.writeInteger(Int64(format), into: &output)
        output.append(contentsOf: #","free_text_answered":"#.utf8)
        JSONWriter.writeCounts(freeTextAnswered, into: &output)
        output.append(contentsOf: #","numeric":"#.utf8)
        JSONWriter.writeObject(numeric, into: &output) { multiset, output in
            output.append(UInt8(ascii: "["))
            for (n, (value, count)) in multiset.sortedCounts.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "["))
                JSONWriter.writeNumber(value, into: &output)
                output.append(UInt8(ascii: ","))
                JSONWriter.writeInteger(Int64(count), into: &output)
                output.append(UInt8(ascii: "]"))
            }
            output.append(UInt8(ascii: "]"))
        }
        output.append(contentsOf: #","paradata":"#.utf8)
        paradata.writeJSON(into: &output)
        output.append(contentsOf: #","partitions":"#.utf8)
        // Keyed by partition number written as text, so in the text's byte order ("10" before "2").
        JSONWriter.writeCounts(
            Dictionary(uniqueKeysWithValues: partitions.map { (String($0.key), $0.value) }),
            into: &output
        )
        output.append(contentsOf: #","responded_by_region":"#.utf8)
        JSONWriter.writeCounts(respondedByRegion, into: &output)
        output.append(UInt8(ascii: "}"))
    }
}

extension ParadataCounts {
    /// Appends the counts' JSON (the members of their `Codable` form, keys in byte order): the
    /// paradata of partial tallies and of changelog records alike.
    func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"accepted_edits":"#.utf8)
        JSONWriter.writeInteger(Int64(acceptedEdits), into: &output)
        output.append(contentsOf: #","accepted_first_submissions":"#.utf8)
        JSONWriter.writeInteger(Int64(acceptedFirstSubmissions), into: &output)
        output.append(contentsOf: #","accepted_versions_per_day":"#.utf8)
        JSONWriter.writeCounts(acceptedVersionsPerDay, into: &output)
        output.append(contentsOf: #","invalid_messages_by_problem_codes":"#.utf8)
        JSONWriter.writeCounts(invalidMessagesByProblemCode, into: &output)
        output.append(contentsOf: #","invalid_problems_by_code":"#.utf8)
        JSONWriter.writeCounts(invalidProblemsByCode, into: &output)
        output.append(contentsOf: #","noop_identical_resends":"#.utf8)
        JSONWriter.writeInteger(Int64(noopIdenticalResends), into: &output)
        output.append(contentsOf: #","rejected_by_reason":"#.utf8)
        JSONWriter.writeCounts(rejectedByReason, into: &output)
        output.append(UInt8(ascii: "}"))
    }
}
