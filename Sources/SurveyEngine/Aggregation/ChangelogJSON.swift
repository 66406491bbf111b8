import Foundation

/// Writes changelog record values by hand, straight into bytes: the JSON `JSONEncoder` (with
/// `.sortedKeys`) makes of the `Codable` state types — the same member names, members sorted by
/// their UTF-8 bytes, `nil` members left out — so `JSONDecoder` reads records written either way.
/// `JSONEncoder` built every record through boxed containers and was the aggregator's slowest
/// step (about 30 µs per record, against about 2 µs here). Strings are escaped as `JSONWriter`
/// does (slashes are not escaped); whole numbers are written as integers.
enum ChangelogJSON {
    /// A plan's field names in byte order, each with its member prefix (`"name":{"answered":`)
    /// already written: a contribution holds exactly the plan's fields, so records can be written
    /// in this order without sorting each one.
    struct FieldOrder: Sendable {
        let names: [String]
        let prefixes: [[UInt8]]

        init(names: [String]) {
            self.names = names.sorted(by: JSONWriter.precedes)
            self.prefixes = self.names.map { name in
                var prefix: [UInt8] = []
                JSONWriter.writeString(name, into: &prefix)
                prefix.append(contentsOf: #":{"answered":"#.utf8)
                return prefix
            }
        }
    }

    /// The value of a respondent's record.
    static func encode(_ state: RespondentState, fieldOrder order: FieldOrder? = nil) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(2_048) // a record with a contribution is about 1.3 kB: room without growing
        var object = Members(&out)
        object.key("applied", into: &out)
        JSONWriter.writeCounts(state.applied, into: &out)
        if let contribution = state.contribution {
            object.key("contribution", into: &out)
            write(contribution, fieldOrder: order, into: &out)
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
        out.append(UInt8(ascii: "{"))
        JSONWriter.forEachMember(sortedByKey: state.versions) { n, instance, fingerprint in
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(instance, into: &out)
            out.append(UInt8(ascii: ":"))
            out.append(UInt8(ascii: "\""))
            writeHex16(fingerprint.value, into: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
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

    private static func write(_ contribution: Contribution, fieldOrder order: FieldOrder?, into out: inout [UInt8]) {
        var object = Members(&out)
        object.key("codebook_version", into: &out)
        JSONWriter.writeString(contribution.codebookVersion, into: &out)
        object.key("day", into: &out)
        JSONWriter.writeString(contribution.day, into: &out)
        object.key("fields", into: &out)
        out.append(UInt8(ascii: "{"))
        if let order, contribution.fields.count == order.names.count, writeFields(contribution.fields, in: order, into: &out) {
            // Written in the plan's order.
        } else {
            JSONWriter.forEachMember(sortedByKey: contribution.fields) { n, name, value in
                if n > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.writeString(name, into: &out)
                out.append(contentsOf: #":{"answered":"#.utf8)
                writeField(value, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        object.key("form_version", into: &out)
        JSONWriter.writeString(contribution.formVersion, into: &out)
        object.key("free_text_answered", into: &out)
        writeStrings(contribution.freeTextAnswered, into: &out)
        object.key("numbers", into: &out)
        out.append(UInt8(ascii: "{"))
        JSONWriter.forEachMember(sortedByKey: contribution.numbers) { n, name, value in
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.writeNumber(value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        object.key("region", into: &out)
        JSONWriter.writeString(contribution.region, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Writes `fields` in `order`; false (and `out` as it was) when a field of the order is missing.
    private static func writeFields(_ fields: [String: Contribution.FieldValue], in order: FieldOrder, into out: inout [UInt8]) -> Bool {
        let start = out.count
        for (n, name) in order.names.enumerated() {
            guard let value = fields[name] else {
                out.removeSubrange(start...)
                return false
            }
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: order.prefixes[n])
            writeField(value, into: &out)
        }
        return true
    }

    /// `true,"codes":[…]}`: a field value after its `"answered":`.
    @inline(__always)
    private static func writeField(_ value: Contribution.FieldValue, into out: inout [UInt8]) {
        out.append(contentsOf: (value.answered ? "true" : "false").utf8)
        out.append(contentsOf: #","codes":"#.utf8)
        writeStrings(value.codes, into: &out)
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
