extension CodingResult {
    /// Appends the result's JSON form (the shape of ``jsonValue``) to `output`: the same bytes
    /// `JSONWriter()` writes for ``jsonValue`` (members sorted by name), written directly instead of
    /// through a tree of dictionaries. `tally-code` writes one per submission.
    /// - Parameter output: The buffer the object is appended to; its existing bytes are kept and
    ///   nothing else (no separator or newline) is written.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"codebook_version":"#.utf8)
        JSONWriter.writeString(codebookVersion, into: &output)
        output.append(contentsOf: #","fields":"#.utf8)
        JSONWriter.writeObject(fields, into: &output) { field, output in
            output.append(contentsOf: #"{"answered":"#.utf8)
            output.append(contentsOf: (field.answered ? "true" : "false").utf8)
            output.append(contentsOf: #","codes":"#.utf8)
            JSONWriter.writeArray(field.codes, into: &output) { code, output in JSONWriter.writeString(code, into: &output) }
            output.append(contentsOf: #","evidence":"#.utf8)
            JSONWriter.writeArray(field.evidence, into: &output) { evidence, output in evidence.writeJSON(into: &output) }
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: #","numbers":"#.utf8)
        JSONWriter.writeObject(numbers, into: &output) { number, output in
            output.append(contentsOf: #"{"evidence":"#.utf8)
            number.evidence.writeJSON(into: &output)
            output.append(contentsOf: #","value":"#.utf8)
            JSONWriter.writeNumber(number.value, into: &output)
            output.append(UInt8(ascii: "}"))
        }
        if !review.isEmpty {
            output.append(contentsOf: #","review":"#.utf8)
            JSONWriter.writeArray(review, into: &output) { item, output in item.writeJSON(into: &output) }
        }
        output.append(UInt8(ascii: "}"))
    }
}

extension Evidence {
    /// Appends the evidence's JSON form (the bytes `JSONWriter()` writes for ``jsonValue``).
    ///
    /// Members come in name order; `confidence` is written only when below 1, matching ``jsonValue``.
    /// - Parameter output: The buffer the object is appended to; its existing bytes are kept.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"code":"#.utf8)
        JSONWriter.writeString(code, into: &output)
        if confidence < 1 {
            output.append(contentsOf: #","confidence":"#.utf8)
            JSONWriter.writeNumber(confidence, into: &output)
        }
        output.append(contentsOf: #","end":"#.utf8)
        JSONWriter.writeNumber(Double(end), into: &output)
        output.append(contentsOf: #","matched":"#.utf8)
        JSONWriter.writeString(matched, into: &output)
        output.append(contentsOf: #","rule":"#.utf8)
        JSONWriter.writeString(rule, into: &output)
        output.append(contentsOf: #","source":"#.utf8)
        JSONWriter.writeString(source, into: &output)
        output.append(contentsOf: #","start":"#.utf8)
        JSONWriter.writeNumber(Double(start), into: &output)
        output.append(UInt8(ascii: "}"))
    }
}

extension ReviewItem {
    /// Appends the item's JSON form: the bytes `JSONWriter()` writes for ``jsonValue`` (members in
    /// name order), written directly instead of through a tree of dictionaries.
    /// - Parameter output: The buffer the object is appended to; its existing bytes are kept.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"candidates":"#.utf8)
        JSONWriter.writeArray(candidates, into: &output) { candidate, output in candidate.writeJSON(into: &output) }
        output.append(contentsOf: #","field":"#.utf8)
        JSONWriter.writeString(field, into: &output)
        output.append(contentsOf: #","reason":"#.utf8)
        JSONWriter.writeString(reason.rawValue, into: &output)
        output.append(contentsOf: #","source":"#.utf8)
        JSONWriter.writeString(source, into: &output)
        output.append(contentsOf: #","text":"#.utf8)
        JSONWriter.writeString(text, into: &output)
        output.append(UInt8(ascii: "}"))
    }
}

extension ReviewItem.Candidate {
    /// Appends the candidate's JSON form: the bytes `JSONWriter()` writes for ``jsonValue``
    /// (members in name order).
    /// - Parameter output: The buffer the object is appended to; its existing bytes are kept.
    public func writeJSON(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"code":"#.utf8)
        JSONWriter.writeString(code, into: &output)
        output.append(contentsOf: #","confidence":"#.utf8)
        JSONWriter.writeNumber(confidence, into: &output)
        output.append(contentsOf: #","matched":"#.utf8)
        JSONWriter.writeString(matched, into: &output)
        output.append(contentsOf: #","rule":"#.utf8)
        JSONWriter.writeString(rule, into: &output)
        output.append(contentsOf: #","status":"#.utf8)
        JSONWriter.writeString(status, into: &output)
        output.append(contentsOf: #","why":"#.utf8)
        JSONWriter.writeString(why, into: &output)
        output.append(UInt8(ascii: "}"))
    }
}
