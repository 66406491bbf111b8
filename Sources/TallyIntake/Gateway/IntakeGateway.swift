import FieldTallyKafka
import Foundation
import Logging
import SurveyEngine
import Synchronization
import TallyWorker

/// The gateway's core: turns request bodies into `survey.submissions` records, produces them,
/// and answers only once the broker has acknowledged every one (idempotent producer,
/// `acks=all`).
///
/// - A readable submission is produced keyed by its respondent: an envelope byte for byte, a
///   platform submission mapped by the survey's ``IntakeMapping``. Answer: 202.
/// - A platform submission that lacks a member the instrument requires is produced as far as
///   it maps, with the platform's original body in ``payloadMember``, so `tally-validate`
///   rejects it to `survey.rejected` with the raw payload. Answer: 422 with a problem document.
/// - A body that is not JSON (or XML, for ODK) is produced unchanged without a key, so
///   `tally-validate` rejects it as `invalid_json` / `invalid_utf8` with the raw payload.
///   Answer: 400 with a problem document.
/// - When the broker does not acknowledge in time: 503 with `Retry-After`. Some records of the
///   request may be stored; the client's retry re-sends them, and the pipeline counts an
///   identical re-send (same instance id, same content) once, as a no-op.
///
/// The gateway keeps no record of what it has produced: a platform's retry of a submission is
/// produced again and the aggregator's identical-re-send rule makes it a no-op, in this
/// process or in any other replica or restart (ARCHITECTURE.md, "Head versions").
public final class IntakeGateway: Sendable {
    /// What a request body holds.
    public enum Payload: String, Sendable, CaseIterable {
        /// FieldTally submissions (ARCHITECTURE.md's envelope) as JSON.
        case envelope
        /// A KoboToolbox REST Services submission (JSON, flat XForm paths as keys).
        case koboJSON = "kobo"
        /// An OpenRosa submission instance (XML).
        case odkXML = "odk-xml"
        /// One ODK Central submission as its OData feed gives it (JSON, nested groups).
        case odkJSON = "odk-json"
    }

    /// The member added to an unmappable platform submission, holding the platform's body.
    public static let payloadMember = "intake_payload"

    private let producer: Mutex<KafkaProducer>
    private let makeProducer: @Sendable () throws -> KafkaProducer
    private let topic: String
    private let mapping: IntakeMapping
    private let envelope: Envelope
    private let retryAfter: Duration
    private let metrics: IntakeMetrics
    private let readiness: Readiness
    private let logger: Logger

    /// A gateway producing to `topic`.
    /// - Parameters:
    ///   - makeProducer: makes the idempotent producer (its `deliveryTimeout` bounds a request's
    ///     wait); called again to replace a producer that failed for good.
    ///   - topic: the submissions topic.
    ///   - mapping: the survey's intake mapping.
    ///   - envelope: the instrument's envelope (which members hold the respondent and instance ids).
    ///   - retryAfter: what `Retry-After` says when the broker did not acknowledge.
    ///   - metrics: where requests and records are counted.
    ///   - readiness: marked not ready while the broker does not acknowledge.
    ///   - logger: for broker failures.
    public init(
        makeProducer: @escaping @Sendable () throws -> KafkaProducer,
        topic: String,
        mapping: IntakeMapping,
        envelope: Envelope,
        retryAfter: Duration,
        metrics: IntakeMetrics,
        readiness: Readiness,
        logger: Logger
    ) throws {
        self.producer = Mutex(try makeProducer())
        self.makeProducer = makeProducer
        self.topic = topic
        self.mapping = mapping
        self.envelope = envelope
        self.retryAfter = retryAfter
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
    }

    /// One record to produce and what was wrong with its input, if anything.
    struct Prepared {
        var key: String?
        var value: [UInt8]
        var instanceID: String?
        var problem: (slug: String, status: Int, detail: String)?
    }

    /// Accepts FieldTally envelopes: one JSON document, or JSON lines (one per line, blank
    /// lines skipped) when `lines`.
    /// - Parameters:
    ///   - body: the request body.
    ///   - lines: whether the body is JSON lines.
    public func submitEnvelopes(_ body: [UInt8], lines: Bool) async -> IntakeResponse {
        let items = lines ? body.split(separator: UInt8(ascii: "\n")).map(Self.trimmingCR).filter { !$0.isEmpty } : [body[...]]
        guard !items.isEmpty, !(items.count == 1 && items[0].allSatisfy(Self.isJSONSpace)) else {
            return ProblemDocument(
                "empty-body",
                title: "The request has no submission",
                status: 400,
                detail: "Send one submission as JSON, or JSON lines with one submission per line."
            ).response()
        }
        let prepared = items.map { item -> Prepared in
            let bytes = Array(item)
            do {
                let value = try JSONParser().parse(bytes)
                guard case .object(let members) = value else {
                    return Prepared(key: nil, value: bytes, problem: ("not-an-object", 400, "a submission is a JSON object; this is not one"))
                }
                return Prepared(
                    key: members[envelope.respondentId.member]?.stringValue,
                    value: bytes,
                    instanceID: members[envelope.instanceId.member]?.stringValue
                )
            } catch let error as JSONParseError {
                return Prepared(key: nil, value: bytes, problem: (error.kind == .invalidUTF8 ? "invalid-utf8" : "invalid-json", 400, error.message))
            } catch {
                return Prepared(key: nil, value: bytes, problem: ("invalid-json", 400, "\(error)"))
            }
        }
        return await produce(prepared, payload: .envelope, lines: lines)
    }

    /// Accepts one platform submission for `form`.
    /// - Parameters:
    ///   - body: the request body.
    ///   - payload: how it is written.
    ///   - form: the `{form}` of the request path.
    public func submitPlatform(_ body: [UInt8], payload: Payload, form: String) async -> IntakeResponse {
        guard form == mapping.formId else {
            return ProblemDocument(
                "unknown-form",
                title: "No intake mapping for this form",
                status: 404,
                detail: "This gateway maps form '\(mapping.formId)', not '\(form)'."
            ).response()
        }
        guard !body.allSatisfy(Self.isJSONSpace) else {
            return ProblemDocument("empty-body", title: "The request has no submission", status: 400, detail: "The body is empty.").response()
        }
        let root: JSONValue
        do {
            root = try payload == .odkXML ? XMLInstance.parse(body) : Self.parseJSON(body)
        } catch {
            let slug = payload == .odkXML ? "invalid-xml" : "invalid-json"
            return await produce([Prepared(key: nil, value: body, problem: (slug, 400, "\(error)"))], payload: payload, lines: false)
        }
        guard case .object(var members) = root else {
            return await produce(
                [Prepared(key: nil, value: body, problem: ("not-an-object", 400, "a submission is a JSON object; this is not one"))],
                payload: payload,
                lines: false
            )
        }
        if payload == .odkJSON, members["__system"]?["xmlFormId"] == nil {
            // Central's OData rows do not repeat the form id; the request names it.
            var system = members["__system"]?.objectValue ?? JSONObject()
            system["xmlFormId"] = .string(form)
            members["__system"] = .object(system)
        }
        let mapped = mapping.map(PlatformDocument(.object(members)))
        guard mapped.missing.isEmpty else {
            var envelope = mapped.envelope.objectValue ?? JSONObject()
            envelope[Self.payloadMember] = .string(String(decoding: body, as: UTF8.self))
            let detail =
                "the submission has no \(mapped.missing.joined(separator: ", ")) where intake.yaml looks for them; "
                + "it was recorded with the original body in \(Self.payloadMember) and will be rejected to survey.rejected"
            return await produce(
                [
                    Prepared(
                        key: mapped.respondentID,
                        value: JSONWriter(sortsKeys: false).bytes(.object(envelope)),
                        instanceID: mapped.instanceID,
                        problem: ("unmappable", 422, detail)
                    )
                ],
                payload: payload,
                lines: false
            )
        }
        return await produce([Prepared(key: mapped.respondentID, value: mapped.bytes, instanceID: mapped.instanceID)], payload: payload, lines: false)
    }

    private static func parseJSON(_ body: [UInt8]) throws -> JSONValue {
        do { return try JSONParser().parse(body) } catch { throw IntakeInputError(description: error.message) }
    }

    /// Produces `items` and answers once the broker has acknowledged all of them.
    private func produce(_ items: [Prepared], payload: Payload, lines: Bool) async -> IntakeResponse {
        let started = ContinuousClock.now
        let records = items.map { KafkaProducerRecord(topic: topic, key: $0.key.map { Array($0.utf8) }, value: $0.value) }
        let producer = self.producer.withLock { $0 }
        let results: [KafkaDeliveryResult]
        do {
            results = try await producer.sendAllResults(records)
        } catch {
            replace(producer, because: error)
            return unavailable(error.message, payload: payload)
        }
        let failures = results.compactMap { result -> KafkaError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        if let first = failures.first {
            if let lasting = failures.first(where: { $0.code != .messageTimedOut && $0.code != .queueFull }) { replace(producer, because: lasting) }
            return unavailable("\(failures.count) of \(records.count) records were not acknowledged: \(first.message)", payload: payload)
        }
        readiness.markReady()
        metrics.acknowledged(items.count, payload: payload, after: ContinuousClock.now - started)
        let reports = results.compactMap { try? $0.get() }
        var placed: [JSONValue] = []
        var errors: [JSONValue] = []
        for (index, (item, report)) in zip(items, reports).enumerated() {
            var entry: JSONObject = ["partition": .number(Double(report.partition)), "offset": .number(Double(report.offset))]
            if lines { entry["line"] = .number(Double(index + 1)) }
            if let instance = item.instanceID { entry["instance_id"] = .string(instance) }
            placed.append(.object(entry))
            if let problem = item.problem {
                metrics.unreadable(payload: payload)
                var error: JSONObject = [
                    "type": .string("urn:fieldtally:problem:" + problem.slug), "detail": .string(problem.detail),
                    "recorded_at": .string("\(topic)/\(report.partition)/\(report.offset)"),
                ]
                if lines { error["line"] = .number(Double(index + 1)) }
                errors.append(.object(error))
            }
        }
        if errors.isEmpty {
            if !lines, let only = placed.first, case .object(var single) = only {
                single["status"] = .string("accepted")
                return .json(202, .object(single))
            }
            return .json(202, .object(["status": .string("accepted"), "accepted": .number(Double(items.count)), "records": .array(placed)]))
        }
        let first = items.first { $0.problem != nil }!.problem!
        let status = lines ? 400 : first.status
        let detail =
            lines
            ? "\(errors.count) of \(items.count) lines could not be read as submissions (see errors); every line was recorded, "
                + "and those will be rejected to survey.rejected with their original bytes"
            : first.detail
        return ProblemDocument(
            lines ? "invalid-lines" : first.slug,
            title: Self.title(lines ? "invalid-lines" : first.slug),
            status: status,
            detail: detail,
            extensions: [
                ("accepted", .number(Double(items.count - errors.count))),
                ("recorded", .number(Double(items.count))), ("errors", .array(errors)),
            ]
        )
        .response()
    }

    /// Replaces `failed` with a new producer when it is still the current one. After a
    /// delivery timed out, an idempotent producer may be fenced or fail fatally (the broker
    /// cannot tell whether its timed-out records were written) and refuse every later record;
    /// a new producer (a new producer id) starts clean. Nothing is lost: every request whose
    /// records failed was answered 503 and is sent again by its client.
    private func replace(_ failed: KafkaProducer, because error: KafkaError) {
        let replaced = producer.withLock { current -> Bool in
            guard current === failed, let fresh = try? makeProducer() else { return false }
            current = fresh
            return true
        }
        guard replaced else { return }
        logger.warning("replacing the producer after a lasting delivery failure", metadata: ["error": "\(error.message)"])
        Task { await failed.close(timeout: .seconds(1)) }
    }

    /// Flushes and closes the producer (at shutdown, once no request is in flight).
    /// - Parameter timeout: the longest the flush may take.
    public func close(timeout: Duration) async {
        await producer.withLock { $0 }.close(timeout: timeout)
    }

    private func unavailable(_ reason: String, payload: Payload) -> IntakeResponse {
        readiness.markNotReady("broker not acknowledging: \(reason)")
        metrics.unavailable(payload: payload)
        logger.warning("answering 503: the broker did not acknowledge", metadata: ["reason": "\(reason)"])
        let seconds = max(1, Int((retryAfter / .seconds(1)).rounded(.up)))
        return ProblemDocument(
            "broker-unavailable",
            title: "The submission could not be stored",
            status: 503,
            detail: "The broker did not acknowledge in time (\(reason)). Send the same request again after \(seconds) s; "
                + "a submission sent twice is counted once."
        )
        .response(headers: [("Retry-After", String(seconds))])
    }

    static func title(_ slug: String) -> String {
        switch slug {
        case "invalid-json": "The body is not JSON"
        case "invalid-utf8": "The body is not UTF-8"
        case "invalid-xml": "The body is not well-formed XML"
        case "not-an-object": "The submission is not a JSON object"
        case "unmappable": "The submission lacks members the survey requires"
        case "invalid-lines": "Some lines are not submissions"
        default: "The request cannot be handled"
        }
    }

    private static func trimmingCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }

    private static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A body the gateway could not read, with the parser's sentence.
struct IntakeInputError: Error, CustomStringConvertible {
    var description: String
}
