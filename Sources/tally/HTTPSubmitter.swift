import Foundation
import SurveyEngine

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends messages through tally-intake (`tally submit --http URL`): JSON lines to
/// `POST /v1/submissions`, each request retried until the gateway answers anything but 5xx
/// (waiting what `Retry-After` says, else a second), so every record is stored once the
/// command succeeds. A resent record is counted once by the pipeline.
struct HTTPSubmitter {
    /// The endpoint: the URL as given, or `/v1/submissions` below it when it has no path.
    let endpoint: URL
    /// Sent as `Authorization: Bearer …` when set.
    let token: String?
    /// Longest the whole retrying of one request may take.
    let patience: Duration

    /// What the gateway did with one request's lines.
    struct Outcome {
        /// Lines stored.
        var recorded = 0
        /// Lines stored that the gateway could not read (they end in survey.rejected), with its sentence.
        var unreadable: [(line: Int, detail: String)] = []
    }

    init(url: String, token: String?, patience: Duration = .seconds(300)) throws {
        guard var components = URLComponents(string: url), components.scheme == "http" || components.scheme == "https" else {
            throw SubmitError("--http \(url) is not an http(s) URL")
        }
        if components.path.isEmpty || components.path == "/" { components.path = "/v1/submissions" }
        guard let endpoint = components.url else { throw SubmitError("--http \(url) is not a URL") }
        self.endpoint = endpoint
        self.token = token
        self.patience = patience
    }

    /// Posts `messages` as one JSON-lines request (keys are dropped: the gateway keys each
    /// submission by its respondent) and retries until it is stored.
    /// - Throws: `SubmitError` when the gateway refuses the request (4xx other than unreadable
    ///   lines) or does not store it within `patience`.
    func send(_ messages: [KeyedMessage]) async throws -> Outcome {
        var body: [UInt8] = []
        for message in messages { body += message.value + [UInt8(ascii: "\n")] }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.timeoutInterval = 60
        request.setValue("application/x-ndjson", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let deadline = ContinuousClock.now + patience
        var lastFailure = ""
        while ContinuousClock.now < deadline {
            var wait = Duration.seconds(1)
            do {
                let (data, response) = try await Self.session.data(for: request)
                let http = response as? HTTPURLResponse
                let status = http?.statusCode ?? 0
                let answer = (try? JSONParser().parse(Array(data))) ?? .null
                switch status {
                case 200..<300:
                    return Outcome(recorded: messages.count)
                case 400 where answer["recorded"]?.numberValue != nil:
                    var outcome = Outcome(recorded: Int(answer["recorded"]?.numberValue ?? 0))
                    for error in answer["errors"]?.arrayValue ?? [] {
                        let index = Int(error["line"]?.numberValue ?? 1) - 1
                        let line = messages.indices.contains(index) ? messages[index].line : index + 1
                        outcome.unreadable.append((line, error["detail"]?.stringValue ?? "unreadable"))
                    }
                    return outcome
                case 500..<600:
                    lastFailure = "\(status): \(answer["detail"]?.stringValue ?? String(decoding: data.prefix(300), as: UTF8.self))"
                    if let seconds = http?.value(forHTTPHeaderField: "Retry-After").flatMap(Int.init) { wait = .seconds(seconds) }
                default:
                    throw SubmitError(
                        "\(endpoint) answered \(status): \(answer["detail"]?.stringValue ?? String(decoding: data.prefix(300), as: UTF8.self))"
                    )
                }
            } catch let error as SubmitError {
                throw error
            } catch {
                lastFailure = "\(error.localizedDescription)"
            }
            note("tally submit: \(endpoint) did not store the request (\(lastFailure)); sending it again in \(wait)")
            try await Task.sleep(for: wait)
        }
        throw SubmitError("\(endpoint) did not store the request within \(patience): \(lastFailure)")
    }
}

extension HTTPSubmitter {
    /// A session that answers authentication challenges by declining them, so a 401 comes back
    /// as a response: FoundationNetworking on Linux otherwise never completes such a request.
    static let session = URLSession(configuration: .ephemeral, delegate: DeclineChallenges(), delegateQueue: nil)

    final class DeclineChallenges: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession,
            task: URLSessionTask,
            didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            completionHandler(.rejectProtectionSpace, nil)
        }
    }
}

/// Why `tally submit` could not deliver, in a sentence.
struct SubmitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
