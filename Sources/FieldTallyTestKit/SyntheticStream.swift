import Foundation
import SurveyEngine

/// A large survey stream made from a small one (by default the shared WWC 2018 sample), for
/// load and crash tests, deterministic from a seed.
///
/// The source stream is repeated `copies` times with fresh respondents. In copy `k` (1-based):
/// - every respondent id `R` (every message key, wherever it occurs in a value) becomes the unit
///   `S<k>-R`; the synthetic frame lists `S<k>-R` for every unit `R` of the source frame, so ids
///   the source frame lacks stay unknown;
/// - every `uuid:` identifier (instance_id, deprecated_id) becomes a fresh one, the same one
///   wherever it occurs in the copy, so edits still name their head, stale edits stay stale,
///   identical re-sends stay identical and instance conflicts stay conflicts;
/// - malformed values (not UTF-8, not JSON) stay malformed: they are renamed byte for byte and
///   never padded.
///
/// Each copy's outcomes are therefore those of the source, and the tallies of `k` copies are `k`
/// times the source's counts (with the same percentages, since the frame grows `k` times too).
/// With `padTo`, free texts of well-formed messages get neutral sentences
/// (`SyntheticPadding`) so messages average about that many bytes, without changing their codes.
public struct SyntheticStream: Sendable {
    /// How to build the stream.
    public struct Options: Sendable, Hashable {
        /// How many copies of the source stream. Default: 1.
        public var copies: Int = 1
        /// Target mean message (value) size in bytes; `nil` leaves texts as they are. Default: `nil`.
        public var padTo: Int? = nil
        /// Seed of the fresh instance ids and of the padding. Default: 2018.
        public var seed: UInt64 = 2018

        /// Options with the defaults unless given.
        ///
        /// - Parameters:
        ///   - copies: How many copies of the source stream, at least 1. Default: 1.
        ///   - padTo: Target mean message (value) size in bytes, at least 0; nil leaves texts as they are. A target
        ///     below the source's mean size pads nothing. Default: nil.
        ///   - seed: Seed of the fresh instance ids and of the padding; equal seeds give byte-identical streams.
        ///     Default: 2018.
        public init(copies: Int = 1, padTo: Int? = nil, seed: UInt64 = 2018) {
            self.copies = copies
            self.padTo = padTo
            self.seed = seed
        }
    }

    /// What `write(to:survey:)` wrote.
    public struct Output: Sendable {
        /// `DIR/stream.tsv`: `key<TAB>value` per message, as `tally submit` and kcat read it.
        public var stream: URL
        /// `DIR/schemas`: the folder to pass as `--schemas` (it holds one survey folder).
        public var schemas: URL
        /// `DIR/schemas/<survey>`: the copied survey folder with the synthetic frame.
        public var survey: URL
        /// Messages written.
        public var messages: Int
        /// Bytes of all values.
        public var valueBytes: Int
        /// Units in the synthetic frame.
        public var frameUnits: Int
    }

    /// The options it was built with.
    public let options: Options
    /// The padding sentences.
    public let padding: SyntheticPadding
    /// Messages in one copy.
    public var sourceCount: Int { templates.count }
    /// Messages in the whole stream: `sourceCount × copies`.
    public var count: Int { templates.count * options.copies }

    private let templates: [SyntheticTemplate]
    private let frameHeader: String
    private let frameRows: [[String]]
    private let frameIdColumn: Int
    /// What each paddable message is padded to (`padTo` corrected for the unpaddable ones).
    private let padTarget: Int?

    /// A stream from `source` messages and the source frame's CSV text.
    ///
    /// - Parameters:
    ///   - source: The messages of one copy, in order; every non-empty key is taken as a respondent id and
    ///     renamed wherever it occurs in a value.
    ///   - frameCSV: The source frame: a header with a `respondent_id` column, then one unit per line.
    ///   - options: Copies, padding target and seed. Default: one unpadded copy, seed 2018.
    ///   - padding: The neutral sentences padding is drawn from. Default: ``SyntheticPadding/neutralSentences``.
    /// - Throws: `SyntheticStreamError` when `copies < 1`, `padTo < 0`, the source is empty, or the
    ///   frame CSV has no `respondent_id` column.
    public init(
        source: [KeyedMessage],
        frameCSV: String,
        options: Options = Options(),
        padding: SyntheticPadding = SyntheticPadding()
    ) throws(SyntheticStreamError) {
        guard options.copies >= 1 else { throw SyntheticStreamError(.badOptions, "copies must be at least 1, got \(options.copies)") }
        if let padTo = options.padTo, padTo < 0 { throw SyntheticStreamError(.badOptions, "pad-to must not be negative, got \(padTo)") }
        guard !source.isEmpty else { throw SyntheticStreamError(.badSource, "the source stream has no messages") }
        var lines = frameCSV.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw SyntheticStreamError(.badFrame, "the source frame is empty") }
        frameHeader = lines.removeFirst()
        guard
            let idColumn = frameHeader.split(separator: ",", omittingEmptySubsequences: false)
                .map({ $0.trimmingCharacters(in: .whitespaces) }).firstIndex(of: "respondent_id")
        else {
            throw SyntheticStreamError(.badFrame, "the source frame's header has no respondent_id column: \(frameHeader)")
        }
        frameIdColumn = idColumn
        frameRows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let ids = Set(source.compactMap(\.key).filter { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) })
        let templates = source.map { SyntheticTemplate($0, respondentIds: ids) }
        self.templates = templates
        self.options = options
        self.padding = padding
        padTarget = options.padTo.map { Self.paddedSize(mean: $0, sizes: templates.map { ($0.renderedSize, $0.padPoints > 0) }) }
    }

    /// The size to pad each paddable message to so that the mean of all is `mean`: messages
    /// without free text (malformed ones) and those already larger stay as they are, so the
    /// others make up for them.
    static func paddedSize(mean: Int, sizes: [(size: Int, paddable: Bool)]) -> Int {
        var target = mean
        for _ in 0..<8 {
            let fixed = sizes.filter { !$0.paddable || $0.size >= target }
            let free = sizes.count - fixed.count
            guard free > 0 else { return target }
            let next = max(mean, (mean * sizes.count - fixed.reduce(0) { $0 + $1.size }) / free)
            if next == target { break }
            target = next
        }
        return target
    }

    /// The stream made from the shared sample (`SampleStream.directory`/stream.tsv) and the frame
    /// of `Schemas/wwc-csc-2018`.
    ///
    /// - Parameter options: Copies, padding target and seed. Default: one unpadded copy, seed 2018.
    /// - Returns: A stream of `88 × copies` messages.
    /// - Throws: `SyntheticStreamError` when a file cannot be read or the options are wrong.
    public static func sample(_ options: Options = Options()) throws(SyntheticStreamError) -> SyntheticStream {
        try SyntheticStream(
            streamFile: SampleStream.directory.appendingPathComponent("stream.tsv"),
            survey: SampleStream.schemasDirectory.appendingPathComponent("wwc-csc-2018"),
            options: options
        )
    }

    /// The stream made from a message file (`key<TAB>value` lines) and the frame the survey folder's
    /// instrument names.
    ///
    /// - Parameters:
    ///   - streamFile: The source messages, `key<TAB>value` per line (an empty key is a message without one).
    ///   - survey: A survey folder (e.g. `Schemas/wwc-csc-2018`); its `instrument.yaml` names the frame file.
    ///   - options: Copies, padding target and seed. Default: one unpadded copy, seed 2018.
    /// - Throws: `SyntheticStreamError` when a file cannot be read or the options are wrong.
    public init(streamFile: URL, survey: URL, options: Options = Options()) throws(SyntheticStreamError) {
        guard let bytes = FileManager.default.contents(atPath: streamFile.path) else {
            throw SyntheticStreamError(.badSource, "cannot read \(streamFile.path)")
        }
        let frame = try Self.framePath(of: survey)
        guard let csv = FileManager.default.contents(atPath: frame) else {
            throw SyntheticStreamError(.badFrame, "cannot read the frame \(frame)")
        }
        try self.init(source: KeyedMessageFile.parse(bytes), frameCSV: String(decoding: csv, as: UTF8.self), options: options)
    }

    /// The unit id `source` gets in copy `copy`: `S<copy>-<source>`.
    ///
    /// - Parameters:
    ///   - copy: The copy, from 1.
    ///   - source: The unit's id in the source frame, e.g. `E06000001`.
    /// - Returns: e.g. `S2-E06000001`.
    public static func unitId(copy: Int, source: String) -> String { "S\(copy)-\(source)" }

    /// Message `index` (0-based, in source order) of copy `copy` (1-based); its `line` is its
    /// 1-based line in `stream.tsv`.
    ///
    /// Built on demand, so a stream of millions of messages need not be held in memory; the same arguments
    /// always give the same bytes.
    ///
    /// - Parameters:
    ///   - copy: The copy, in `1...options.copies`.
    ///   - index: The source message, in `0..<sourceCount`; out of range traps.
    /// - Returns: The renamed (and, with `padTo`, padded) message; an empty key stays empty.
    public func message(copy: Int, index: Int) -> KeyedMessage {
        let template = templates[index]
        var uuids: [String: [UInt8]] = [:]
        func fresh(_ uuid: String) -> [UInt8] {
            if let known = uuids[uuid] { return known }
            let made = Array(Self.freshUUID(for: uuid, copy: copy, seed: options.seed).utf8)
            uuids[uuid] = made
            return made
        }
        let unit = { (id: String) in Array(Self.unitId(copy: copy, source: id).utf8) }
        var value: [UInt8] = []
        var padOffsets: [Int] = []
        for segment in template.segments {
            switch segment {
            case .literal(let bytes): value += bytes
            case .respondent(let id): value += unit(id)
            case .uuid(let uuid): value += fresh(uuid)
            case .padPoint: padOffsets.append(value.count)
            }
        }
        if let target = padTarget, !padOffsets.isEmpty, value.count < target {
            var random = ReferenceRandom(seed: SyntheticHash.mix(options.seed, UInt64(copy), template.contentHash))
            let share = (target - value.count + padOffsets.count - 1) / padOffsets.count
            // Insert from the back so earlier offsets stay valid.
            for offset in padOffsets.reversed() {
                value.insert(contentsOf: padding.filler(bytes: share, using: &random), at: offset)
            }
        }
        let key = template.key.map { $0.isEmpty ? [] : unit($0) }
        return KeyedMessage(key: key, value: value, line: (copy - 1) * templates.count + index + 1)
    }

    /// Every message, copy after copy.
    public var messages: [KeyedMessage] {
        (1...options.copies).flatMap { copy in (0..<templates.count).map { message(copy: copy, index: $0) } }
    }

    /// The synthetic frame as CSV: the source header, then every source unit once per copy,
    /// renamed, with its other columns (name, type, region) unchanged.
    public var frameCSV: String {
        var out = frameHeader + "\n"
        for copy in 1...options.copies {
            for row in frameRows {
                var cells = row
                if frameIdColumn < cells.count {
                    cells[frameIdColumn] = Self.unitId(copy: copy, source: cells[frameIdColumn].trimmingCharacters(in: .whitespaces))
                }
                out += cells.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// The whole stream as `stream.tsv` bytes (`key<TAB>value` lines; no key = empty key).
    public var streamTSV: Data { Self.tsv(messages) }

    /// `messages` as `key<TAB>value` lines.
    static func tsv(_ messages: [KeyedMessage]) -> Data {
        var data = Data()
        data.reserveCapacity(messages.reduce(0) { $0 + $1.value.count + 24 })
        for message in messages {
            data.append(contentsOf: message.key ?? [])
            data.append(UInt8(ascii: "\t"))
            data.append(contentsOf: message.value)
            data.append(UInt8(ascii: "\n"))
        }
        return data
    }

    /// Writes `directory/stream.tsv` and `directory/schemas/<survey folder name>/`: every file of
    /// the `survey` folder, with the frame its instrument names replaced by `frameCSV`.
    /// Creates `directory` when needed; overwrites files already there.
    ///
    /// Subfolders of `survey` (such as `sample/`) are not copied.
    ///
    /// - Parameters:
    ///   - directory: The output folder, e.g. a temporary folder of the test.
    ///   - survey: The survey folder to copy, e.g. `Schemas/wwc-csc-2018`.
    /// - Returns: The paths written and the counts of messages, value bytes and frame units.
    /// - Throws: `SyntheticStreamError` when the survey folder cannot be read or a file cannot be written.
    @discardableResult
    public func write(to directory: URL, survey: URL) throws(SyntheticStreamError) -> Output {
        let files = FileManager.default
        let schemas = directory.appendingPathComponent("schemas")
        let target = schemas.appendingPathComponent(survey.standardizedFileURL.lastPathComponent)
        let frameName = try Self.frameFileName(of: survey)
        do {
            try files.createDirectory(at: target, withIntermediateDirectories: true)
            for name in try files.contentsOfDirectory(atPath: survey.path).sorted() where name != frameName {
                var isFolder: ObjCBool = false
                let from = survey.appendingPathComponent(name)
                guard files.fileExists(atPath: from.path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let to = target.appendingPathComponent(name)
                if files.fileExists(atPath: to.path) { try files.removeItem(at: to) }
                try files.copyItem(at: from, to: to)
            }
            try Data(frameCSV.utf8).write(to: target.appendingPathComponent(frameName))
            let stream = directory.appendingPathComponent("stream.tsv")
            let all = messages
            try Self.tsv(all).write(to: stream)
            return Output(
                stream: stream,
                schemas: schemas,
                survey: target,
                messages: all.count,
                valueBytes: all.reduce(0) { $0 + $1.value.count },
                frameUnits: frameRows.count * options.copies
            )
        } catch {
            throw SyntheticStreamError(.writeFailed, "cannot write the synthetic stream into \(directory.path): \(error.localizedDescription)")
        }
    }

    /// `uuid:` + a version-4-shaped UUID derived from the seed, the copy and the source id.
    static func freshUUID(for source: String, copy: Int, seed: UInt64) -> String {
        let name = SyntheticHash.fnv1a(source.utf8)
        let high = SyntheticHash.mix(seed, UInt64(copy), name, 1)
        let low = SyntheticHash.mix(seed, UInt64(copy), name, 2)
        let hex = String(format: "%016llx%016llx", high, (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000)
        let chars = Array(hex)
        func part(_ range: Range<Int>) -> String { String(chars[range]) }
        // Version nibble 4 at the start of the third group.
        return "uuid:\(part(0..<8))-\(part(8..<12))-4\(part(13..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    private static func frameFileName(of survey: URL) throws(SyntheticStreamError) -> String {
        let instrument = survey.appendingPathComponent(SurveyDefinition.instrumentFile)
        do {
            return try Instrument(contentsOfFile: instrument.path).frameFile
        } catch {
            throw SyntheticStreamError(.badFrame, "cannot read \(instrument.path): \(error)")
        }
    }

    private static func framePath(of survey: URL) throws(SyntheticStreamError) -> String {
        survey.appendingPathComponent(try frameFileName(of: survey)).path
    }
}
