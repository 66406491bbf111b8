import Foundation

/// Writes changelog record values by hand, straight into bytes: the JSON `JSONEncoder` (with
/// `.sortedKeys`) makes of the `Codable` state types — the same member names, members sorted by
/// their UTF-8 bytes, `nil` members left out — so `JSONDecoder` reads records written either way.
/// Every changed respondent of every batch gets a record, so this is on the aggregator's path for
/// each message: one growing byte array, no boxed containers or intermediate strings, unlike
/// `JSONEncoder`. Strings are escaped as `JSONWriter` does (slashes are not escaped); whole numbers
/// are written as integers.
enum ChangelogJSON {
    /// The value of a respondent's record, with `contribution` as its contribution (the
    /// aggregator holds it apart from the state).
    static func encode(_ state: RespondentState, contribution: CountedContribution?) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(2_048)  // a record with a contribution is about 1.3 kB: room without growing
        var object = Members(&out)
        object.key("applied", into: &out)
        JSONWriter.writeCounts(state.applied, into: &out)
        switch contribution {
        case .indexed(let indexed):
            object.key("contribution", into: &out)
            write(indexed, into: &out)
        case .strings(let strings):
            object.key("contribution", into: &out)
            write(strings, into: &out)
        case nil:
            break
        }
        if let head = state.headInstanceId {
            object.key("head_instance_id", into: &out)
            JSONWriter.writeString(head, into: &out)
        }
        object.key("paradata", into: &out)
        state.paradata.writeJSON(into: &out)
        object.key("respondent_id", into: &out)
        JSONWriter.writeString(state.respondentId, into: &out)
        object.key("versions", into: &out)
        JSONWriter.writeObject(state.versions, into: &out) { fingerprint, out in
            out.append(UInt8(ascii: "\""))
            writeHex16(fingerprint.value, into: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    /// The value of a partition's paradata record.
    static func encode(_ record: PartitionParadata) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        var object = Members(&out)
        object.key("applied", into: &out)
        JSONWriter.writeCounts(record.applied, into: &out)
        object.key("paradata", into: &out)
        record.paradata.writeJSON(into: &out)
        object.key("partition", into: &out)
        JSONWriter.writeInteger(Int64(record.partition), into: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static func write(_ contribution: Contribution, into out: inout [UInt8]) {
        writeContribution(
            contribution.codebookVersion,
            contribution.codingReview,
            contribution.day,
            contribution.formVersion,
            contribution.region,
            into: &out,
            fields: { out in
                JSONWriter.writeObject(contribution.fields, into: &out) { value, out in
                    out.append(contentsOf: #"{"answered":"#.utf8)
                    writeField(value.answered, into: &out) { out in writeStrings(value.codes, into: &out) }
                }
            },
            freeTexts: { out in
                writeStrings(contribution.freeTextAnswered, into: &out)
            },
            numbers: { out in
                JSONWriter.writeObject(contribution.numbers, into: &out) { value, out in JSONWriter.writeNumber(value, into: &out) }
            }
        )
    }

    /// The same bytes as `write(indexed.contribution, into:)`, from the layout's names and codes
    /// written once (read in place: no array is retained per piece).
    private static func write(_ indexed: IndexedContribution, into out: inout [UInt8]) {
        let layout = indexed.layout
        layout.json.withUnsafeBufferPointer { json in
            func piece(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: json[range]) }
            writeContribution(
                indexed.codebookVersion,
                indexed.codingReview,
                indexed.day,
                indexed.formVersion,
                indexed.region,
                into: &out,
                fields: { out in
                    out.append(UInt8(ascii: "{"))
                    for (n, (field, prefix)) in layout.fieldOrder.enumerated() {
                        if n > 0 { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: piece(prefix))
                        writeField(indexed.bits.hasBit(field), into: &out) { out in
                            let start = layout.codeStart[field]
                            writeList(into: &out) { item in indexed.forEachCode(of: field) { item(piece(layout.codeJSON[start + $0])) } }
                        }
                    }
                    out.append(UInt8(ascii: "}"))
                },
                freeTexts: { out in
                    writeList(into: &out) { item in indexed.forEachFreeText { item(piece(layout.freeTextJSON[$0])) } }
                },
                numbers: { out in
                    out.append(UInt8(ascii: "{"))
                    var n = 0
                    for (position, prefix) in layout.numericOrder where !indexed.numbers[position].isNaN {
                        if n > 0 { out.append(UInt8(ascii: ",")) }
                        n += 1
                        out.append(contentsOf: piece(prefix))
                        JSONWriter.writeNumber(indexed.numbers[position], into: &out)
                    }
                    out.append(UInt8(ascii: "}"))
                }
            )
        }
    }

    /// A contribution object: its string members and review counts, and its fields, free texts and numbers
    /// (each a whole JSON value) written by the closures.
    @inline(__always)
    private static func writeContribution(
        _ codebookVersion: String,
        _ codingReview: [String: Int]?,
        _ day: String,
        _ formVersion: String,
        _ region: String,
        into out: inout [UInt8],
        fields: (inout [UInt8]) -> Void,
        freeTexts: (inout [UInt8]) -> Void,
        numbers: (inout [UInt8]) -> Void
    ) {
        var object = Members(&out)
        object.key("codebook_version", into: &out)
        JSONWriter.writeString(codebookVersion, into: &out)
        if let codingReview {
            object.key("coding_review", into: &out)
            JSONWriter.writeCounts(codingReview, into: &out)
        }
        object.key("day", into: &out)
        JSONWriter.writeString(day, into: &out)
        object.key("fields", into: &out)
        fields(&out)
        object.key("form_version", into: &out)
        JSONWriter.writeString(formVersion, into: &out)
        object.key("free_text_answered", into: &out)
        freeTexts(&out)
        object.key("numbers", into: &out)
        numbers(&out)
        object.key("region", into: &out)
        JSONWriter.writeString(region, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `[a,b,…]` of items already written as JSON, which `items` passes to its argument in order.
    @inline(__always)
    private static func writeList(into out: inout [UInt8], _ items: ((UnsafeBufferPointer<UInt8>) -> Void) -> Void) {
        out.append(UInt8(ascii: "["))
        var n = 0
        items { item in
            if n > 0 { out.append(UInt8(ascii: ",")) }
            n += 1
            out.append(contentsOf: item)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// `true,"codes":[…]}`: a field value after its `"answered":`, `codes` writing the list.
    @inline(__always)
    private static func writeField(_ answered: Bool, into out: inout [UInt8], codes: (inout [UInt8]) -> Void) {
        out.append(contentsOf: (answered ? "true" : "false").utf8)
        out.append(contentsOf: #","codes":"#.utf8)
        codes(&out)
        out.append(UInt8(ascii: "}"))
    }

    /// Opens an object and writes its member names, with a comma before all but the first.
    private struct Members {
        private var first = true

        init(_ out: inout [UInt8]) { out.append(UInt8(ascii: "{")) }

        mutating func key(_ name: StaticString, into out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
    }

    private static func writeStrings(_ strings: [String], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (n, string) in strings.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(string, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// 16 lowercase hex digits (`ContentFingerprint`'s wire form).
    static func writeHex16(_ value: UInt64, into out: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xF)
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }
}
