extension JSONWriter {
    /// Calls `body` with each member of `dictionary` and its position, in byte order of the
    /// keys; nothing is collected for the usual empty or one-member dictionary.
    @inline(__always)
    static func forEachMember<Value>(sortedByKey dictionary: [String: Value], _ body: (Int, String, Value) -> Void) {
        if dictionary.count < 2 {
            for (key, value) in dictionary { body(0, key, value) }
            return
        }
        for (n, (key, value)) in dictionary.sorted(by: { JSONWriter.precedes($0.key, $1.key) }).enumerated() { body(n, key, value) }
    }

    /// Appends `{"name":count,…}` with the names in byte order.
    static func writeCounts<Count: BinaryInteger>(_ counts: [String: Count], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        forEachMember(sortedByKey: counts) { n, name, count in
            if n > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            writeInteger(Int64(count), into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Decimal digits of `value`, without making a `String`.
    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
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
