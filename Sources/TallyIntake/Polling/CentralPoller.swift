import Foundation
import Logging
import ServiceLifecycle
import SurveyEngine

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Follows one ODK Central form's OData submissions feed and hands every new or edited
/// submission to the gateway, as `POST /v1/odk/{form}` with Central's JSON would.
///
/// Central has no push. Each round asks for the rows changed since the cursor:
/// `$filter=__system/updatedAt ge C or __system/submissionDate ge C`, ordered by
/// submission date, page by page (`$top`, `$skip`). A row's change time is its `updatedAt`,
/// else its `submissionDate`; an edit changes `updatedAt` and carries `meta/deprecatedID`, so
/// it is picked up like a new row. The cursor is the newest change time handed over plus the
/// row versions (`meta/instanceID`) seen at exactly that time (the filter is `ge`, so rows
/// sharing the cursor's millisecond are neither missed nor handed over twice). It is written
/// to the cursor file only after the broker acknowledged the rows it covers: a restart
/// resumes from it, at worst handing over again rows whose acknowledgement it had not saved,
/// which the pipeline counts once (identical re-sends are no-ops).
public struct CentralPoller: Service {
    /// Where and how to poll.
    public struct Settings: Sendable {
        /// Central's base URL, e.g. `https://central.example.org`.
        public var baseURL: URL
        /// The project id.
        public var project: Int
        /// The form id (`xmlFormId`); also the `{form}` handed to the gateway.
        public var form: String
        /// `Authorization` header value (`Basic …` from email and password, or `Bearer …`).
        public var authorization: String?
        /// Where the cursor is kept.
        public var cursorFile: String
        /// Pause between rounds that found nothing. Default: 30 s.
        public var interval: Duration = .seconds(30)
        /// Rows per page. Default: 250.
        public var pageSize = 250

        /// Settings with the defaults: a 30 s pause between rounds that found nothing and 250 rows per page.
        /// - Parameters:
        ///   - baseURL: Central's base URL; a path in it is kept (a trailing `/` is dropped) and `/v1/...` added.
        ///   - project: the numeric project id.
        ///   - form: the form id (`xmlFormId`), also the `{form}` handed to the gateway.
        ///   - authorization: the `Authorization` header value sent with every request, or `nil` to send none.
        ///   - cursorFile: the file the cursor is kept in; a missing or unreadable file starts at the feed's beginning.
        public init(baseURL: URL, project: Int, form: String, authorization: String?, cursorFile: String) {
            self.baseURL = baseURL
            self.project = project
            self.form = form
            self.authorization = authorization
            self.cursorFile = cursorFile
        }
    }

    /// The position in the feed: the newest change time handed over and the row versions seen at it.
    public struct Cursor: Codable, Sendable, Equatable {
        /// An ISO 8601 timestamp as Central writes it (`2018-04-03T10:28:02.123Z`), or `nil` before the first row.
        public var changedAt: String?
        /// `meta/instanceID` (else `__id`) of each row handed over whose change time is `changedAt`.
        public var versionsAtChange: [String]

        /// The start of the feed.
        public static let start = Cursor(changedAt: nil, versionsAtChange: [])

        /// Moves past a row changed at `changed` (ISO 8601 in UTC, so text order is time order).
        mutating func advance(to changed: String, version: String) {
            if let current = changedAt, changed < current { return }
            if changed == changedAt {
                versionsAtChange.append(version)
            } else {
                self = Cursor(changedAt: changed, versionsAtChange: [version])
            }
        }
    }

    let settings: Settings
    let submit: @Sendable ([UInt8]) async -> IntakeResponse
    let logger: Logger

    /// A poller handing rows to `submit`.
    /// - Parameters:
    ///   - settings: where and how to poll.
    ///   - submit: hands one row (Central's JSON) over and answers as the gateway would.
    ///   - logger: for rounds and failures.
    public init(settings: Settings, submit: @escaping @Sendable ([UInt8]) async -> IntakeResponse, logger: Logger) {
        self.settings = settings
        self.submit = submit
        self.logger = logger
    }

    /// A poller handing rows to `gateway` as ODK Central JSON for `settings.form`.
    /// - Parameters:
    ///   - settings: where and how to poll; `settings.form` is also the form the rows are submitted under.
    ///   - gateway: receives each row as an `odkJSON` platform payload, as a `POST /v1/odk/{form}` would.
    ///   - logger: for the start of polling and failed rounds.
    public init(settings: Settings, gateway: IntakeGateway, logger: Logger) {
        let form = settings.form
        self.init(settings: settings, submit: { await gateway.submitPlatform($0, payload: .odkJSON, form: form) }, logger: logger)
    }

    public func run() async throws {
        var cursor = loadCursor()
        logger.info(
            "polling ODK Central",
            metadata: [
                "url": "\(settings.baseURL)", "project": "\(settings.project)",
                "form": "\(settings.form)", "cursor": "\(cursor.changedAt ?? "start")",
            ]
        )
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let handed = try await round(&cursor)
                if handed > 0 { continue }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("ODK Central poll failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// Fetches every page changed since `cursor` and hands its new rows over, then saves the
    /// cursor (once, at the end: pages are ordered by submission date, not change time, so a
    /// cursor saved mid-round could pass over rows of later pages).
    ///
    /// Rows before the cursor, or at its time with a version already seen, are skipped. A row the
    /// gateway answers below 500 counts as handed over, including one recorded unread (400/422).
    /// - Parameter cursor: where the round starts; moved past the rows handed over once the cursor
    ///   file is written, left unchanged when the round fails or found nothing.
    /// - Returns: how many rows were handed over; 0 tells ``run()`` to pause for `interval`.
    /// - Throws: `PollError` when Central answers other than 200 with an OData feed or the gateway answers
    ///   5xx for a row; an error of `URLSession` (60 s timeout per page) or of writing the cursor file.
    ///   The cursor then stays where it was.
    public func round(_ cursor: inout Cursor) async throws -> Int {
        var next = cursor
        var handed = 0
        var skip = 0
        while true {
            let rows = try await page(since: cursor.changedAt, skip: skip)
            for row in rows {
                let changed = Self.changeTime(row)
                let version = row["meta"]?["instanceID"]?.stringValue ?? row["__id"]?.stringValue ?? ""
                if let since = cursor.changedAt, changed < since || (changed == since && cursor.versionsAtChange.contains(version)) { continue }
                let answer = await submit(JSONWriter(sortsKeys: false).bytes(row))
                guard answer.status < 500 else {
                    throw PollError("the gateway did not store row \(version) (\(answer.status)); the cursor stays at \(cursor.changedAt ?? "start")")
                }
                handed += 1
                next.advance(to: changed, version: version)
            }
            guard rows.count == settings.pageSize else { break }
            skip += rows.count
        }
        if next != cursor {
            try saveCursor(next)
            cursor = next
        }
        return handed
    }

    /// One page of the OData feed changed at or after `since`.
    func page(since: String?, skip: Int) async throws -> [JSONValue] {
        var components = URLComponents(url: settings.baseURL, resolvingAgainstBaseURL: false)!
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        components.path = base + "/v1/projects/\(settings.project)/forms/\(settings.form).svc/Submissions"
        var query = [
            URLQueryItem(name: "$top", value: String(settings.pageSize)), URLQueryItem(name: "$skip", value: String(skip)),
            URLQueryItem(name: "$orderby", value: "__system/submissionDate asc"),
        ]
        if let since {
            query.append(URLQueryItem(name: "$filter", value: "__system/updatedAt ge \(since) or __system/submissionDate ge \(since)"))
        }
        components.queryItems = query
        var request = URLRequest(url: components.url!)
        request.timeoutInterval = 60
        if let authorization = settings.authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else { throw PollError("\(components.url!) answered \(status): \(String(decoding: data.prefix(300), as: UTF8.self))") }
        guard let rows = try JSONParser().parse(Array(data))["value"]?.arrayValue else {
            throw PollError("\(components.url!) did not answer an OData feed (no value array)")
        }
        return rows
    }

    static func changeTime(_ row: JSONValue) -> String {
        row["__system"]?["updatedAt"]?.stringValue ?? row["__system"]?["submissionDate"]?.stringValue ?? ""
    }

    func loadCursor() -> Cursor {
        guard let data = FileManager.default.contents(atPath: settings.cursorFile),
            let cursor = try? JSONDecoder().decode(Cursor.self, from: data)
        else { return .start }
        return cursor
    }

    func saveCursor(_ cursor: Cursor) throws {
        let data = try JSONEncoder().encode(cursor)
        let temporary = settings.cursorFile + ".tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        // rename(2) replaces the old cursor atomically (FileManager.replaceItemAt needs it to exist).
        guard rename(temporary, settings.cursorFile) == 0 else {
            throw PollError("cannot write the cursor file \(settings.cursorFile): \(String(cString: strerror(errno)))")
        }
    }
}

/// Why a poll round stopped, in a sentence.
public struct PollError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
