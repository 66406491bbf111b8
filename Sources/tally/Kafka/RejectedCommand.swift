import ArgumentParser
import Foundation
import TallyWorker

/// `tally rejected`: lists the dead letters with their reasons.
struct RejectedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rejected",
        abstract: "List the messages in survey.rejected with their reasons (re-sends of one rejection shown once)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "text (a line per problem) or json (one dead letter per line).")
    var format: Format = .text

    @OptionGroup var options: WorkerOptions

    func run() async throws {
        let context = try CLIContext(options: options, command: "rejected")
        let letters = try await DeadLetterReader(configuration: context.configuration, logger: context.logger).read()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var byReason: [String: Int] = [:]
        for letter in letters {
            byReason[letter.reason, default: 0] += 1
            switch format {
            case .json:
                print(String(decoding: try encoder.encode(letter), as: UTF8.self))
            case .text:
                let who = letter.respondentID ?? letter.key ?? "(no key)"
                print("\(letter.source.topic)/\(letter.source.partition)@\(letter.source.offset)\t\(who)\t\(letter.reason)\t[\(letter.worker)]")
                for problem in letter.problems {
                    print("\t\(problem.code.rawValue)\t\(problem.pointer.isEmpty ? "(whole message)" : problem.pointer)\t\(problem.message)")
                }
                if let detail = letter.detail { print("\t\(detail)") }
            }
        }
        if format == .text {
            print("\(letters.count) rejected: " + byReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
    }
}
