/// Checks for the text formats envelope members may declare (`Envelope.Format`).
enum TextFormat {
    /// Whether `text` has `format`.
    static func matches(_ text: String, _ format: Envelope.Format) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            switch format {
            case .uuidURN: isUUIDURN(bytes)
            case .rfc3339: isRFC3339(bytes)
            }
        }
    }

    /// A human description of `format` for problem messages.
    static func describe(_ format: Envelope.Format) -> String {
        switch format {
        case .uuidURN: "'uuid:' followed by a UUID such as 585ab0e6-ec34-4dc1-8359-08b8db2d3e7e"
        case .rfc3339: "an RFC 3339 date-time with an offset, such as 2018-04-03T11:28:02+01:00"
        }
    }

    /// `uuid:` + 8-4-4-4-12 hexadecimal digits (either case).
    static func isUUIDURN(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 41, b[0] == UInt8(ascii: "u"), b[1] == UInt8(ascii: "u"), b[2] == UInt8(ascii: "i"),
            b[3] == UInt8(ascii: "d"), b[4] == UInt8(ascii: ":")
        else { return false }
        for i in 5..<41 {
            let c = b[i]
            switch i - 5 {
            case 8, 13, 18, 23:
                guard c == UInt8(ascii: "-") else { return false }
            default:
                guard isHex(c) else { return false }
            }
        }
        return true
    }

    /// RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, `T`/`Z` in either case,
    /// with a day that exists, hours 0-23, minutes 0-59, seconds 0-60 (leap second).
    static func isRFC3339(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 20 else { return false }
        guard let year = number(b, 0, 4), b[4] == UInt8(ascii: "-"), let month = number(b, 5, 2), b[7] == UInt8(ascii: "-"),
            let day = number(b, 8, 2), b[10] | 0x20 == UInt8(ascii: "t"),
            let hour = number(b, 11, 2), b[13] == UInt8(ascii: ":"), let minute = number(b, 14, 2), b[16] == UInt8(ascii: ":"),
            let second = number(b, 17, 2)
        else { return false }
        guard (1...12).contains(month), day >= 1, day <= CalendarDate.daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let digitsStart = i
            while i < b.count && isDigit(b[i]) { i += 1 }
            guard i > digitsStart else { return false }
        }
        guard i < b.count else { return false }
        if b[i] | 0x20 == UInt8(ascii: "z") { return i + 1 == b.count }
        guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count,
            let offsetHours = number(b, i + 1, 2), b[i + 3] == UInt8(ascii: ":"), let offsetMinutes = number(b, i + 4, 2)
        else { return false }
        return offsetHours <= 23 && offsetMinutes <= 59
    }

    private static func number(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            guard isDigit(b[i]) else { return nil }
            value = value * 10 + Int(b[i] - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    private static func isHex(_ c: UInt8) -> Bool {
        isDigit(c) || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "f"))
    }
}
