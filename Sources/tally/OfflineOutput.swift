import Foundation
import SurveyEngine

/// The JSON-lines outputs of `tally offline --coded` and `--rejected`.
enum OfflineOutput {
    /// One line per counted respondent (by id): its coded fields' codes, coded numbers and bands.
    static func writeCoded(_ run: OfflineTally, to out: inout FileHandle) {
        let plan = run.survey.plan
        let states = run.aggregator.respondentStates.filter { $0.contribution != nil }.sorted { $0.respondentId < $1.respondentId }
        for state in states {
            guard let contribution = state.contribution else { continue }
            var members: [(String, JSONValue)] = [("respondent_id", .string(state.respondentId))]
            var codes: [(String, JSONValue)] = []
            var bands: [(String, JSONValue)] = []
            for field in plan.fields {
                let value = contribution.fields[field.name]
                switch field.origin {
                case .coded: codes.append((field.name, .array((value?.codes ?? []).map(JSONValue.string))))
                case .band: bands.append((field.name, value?.codes.first.map(JSONValue.string) ?? .null))
                case .options: break
                }
            }
            members.append(("codes", object(codes)))
            let numbers = plan.numeric.compactMap { summary -> (String, JSONValue)? in
                guard case .codedNumber = summary.origin, let value = contribution.numbers[summary.name] else { return nil }
                return (summary.name, .number(value))
            }
            members.append(("numbers", object(numbers)))
            members += bands
            print(line(members), to: &out)
        }
    }

    /// One line per rejected message: line, key, reason, ids, problems and a sentence.
    static func writeRejected(_ results: [OfflineTally.Result], to out: inout FileHandle) {
        for result in results {
            guard case .rejected(let rejection, let detail) = result.outcome else { continue }
            var members: [(String, JSONValue)] = [
                ("line", .number(Double(result.line))), ("key", .string(result.key)),
                ("reason", .string(rejection.reason.rawValue)),
            ]
            if let id = rejection.respondentId { members.append(("respondent_id", .string(id))) }
            if let id = rejection.instanceId { members.append(("instance_id", .string(id))) }
            members.append(
                (
                    "problems",
                    .array(
                        rejection.problems.map { problem in
                            .object([
                                "pointer": .string(problem.pointer), "code": .string(problem.code.rawValue), "message": .string(problem.message),
                            ])
                        }
                    )
                )
            )
            members.append(("detail", .string(detail)))
            print(line(members), to: &out)
        }
    }

    /// One line per text in the review queue the stream leaves (sorted by respondent, field,
    /// source): respondent_id, field, source, text, candidates, reason.
    static func writeReview(_ run: OfflineTally, to out: inout FileHandle) {
        for (respondentID, item) in run.review.sorted { print(item.jsonLine(respondentID: respondentID), to: &out) }
    }

    /// A compact JSON object with members in the given order (values with sorted keys).
    private static func line(_ members: [(String, JSONValue)]) -> String { JSONWriter().string(inOrder: members) }

    private static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(Dictionary(members, uniquingKeysWith: { a, _ in a }))
    }
}

extension FileHandle: @retroactive TextOutputStream {
    /// Writes `string` as UTF-8, unbuffered: what `print(_:to:)` calls for each piece it prints.
    /// - Parameter string: the text to write; nothing is added (`print` supplies its own terminator).
    public func write(_ string: String) { write(Data(string.utf8)) }
}
