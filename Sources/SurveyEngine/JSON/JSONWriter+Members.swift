extension JSONWriter {
    /// Calls `body` with each member of `dictionary` and its position, in byte order of the
    /// keys; nothing is collected for the usual empty or one-member dictionary.
    ///
    /// Only the members' positions are sorted (by insertion for the few members these
    /// dictionaries have), so no key or value is copied or retained to sort them; this runs for
    /// every object of every record the workers write.
    @inline(__always)
    static func forEachMember<Value>(sortedByKey dictionary: [String: Value], _ body: (Int, String, Value) -> Void) {
        if dictionary.count < 2 {
            for (key, value) in dictionary { body(0, key, value) }
            return
        }
        var order = Array(dictionary.indices)
        let keys = dictionary.keys
        if order.count > 16 {
            order.sort { JSONWriter.precedes(keys[$0], keys[$1]) }
        } else {
            for i in 1..<order.count {
                let item = order[i]
                var j = i
                while j > 0, JSONWriter.precedes(keys[item], keys[order[j - 1]]) {
                    order[j] = order[j - 1]
                    j -= 1
                }
                order[j] = item
            }
        }
        for (n, index) in order.enumerated() {
            let (key, value) = dictionary[index]
            body(n, key, value)
        }
    }

    /// Appends `{"key":value,…}` with the keys in byte order, each value written by `writeValue`.
    @inline(__always)
    static func writeObject<Value>(
        _ members: [String: Value],
        into out: inout [UInt8],
        _ writeValue: (Value, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: "{"))
        forEachMember(sortedByKey: members) { n, key, value in
            if n > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, into: &out)
            out.append(UInt8(ascii: ":"))
            writeValue(value, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends `[element,…]`, each element written by `writeElement`.
    @inline(__always)
    static func writeArray<Element>(_ elements: [Element], into out: inout [UInt8], _ writeElement: (Element, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (n, element) in elements.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            writeElement(element, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends `{"name":count,…}` with the names in byte order.
    static func writeCounts<Count: BinaryInteger>(_ counts: [String: Count], into out: inout [UInt8]) {
        writeObject(counts, into: &out) { count, out in writeInteger(Int64(count), into: &out) }
    }

    /// Decimal digits of `value`, without making a `String`.
    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
