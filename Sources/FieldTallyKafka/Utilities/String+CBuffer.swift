extension String {
    /// Decodes a NUL-terminated C string held in a Swift buffer (librdkafka's `errstr`).
    init(cBuffer: [CChar]) {
        let bytes = cBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self.init(decoding: bytes, as: UTF8.self)
    }
}
