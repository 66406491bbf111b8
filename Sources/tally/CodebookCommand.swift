import ArgumentParser
import Foundation
import SurveyEngine

/// `tally codebook check`: a codebook measured against human codes.
struct CodebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codebook",
        abstract: "Work with codebooks.",
        subcommands: [CodebookCheckCommand.self]
    )
}

/// `tally codebook check --gold FILE --stream FILE [--codebook PATH]`.
struct CodebookCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile a codebook and compare its codes with human codes: precision, recall and kappa per field.",
        discussion: """
            --gold is a file in the format of Schemas/<survey>/sample/gold-codes.json; --stream is the message file \
            holding the coded versions (matched by instance_id). Prints a table per field, the numbers read exactly, \
            the review queue's share of answered texts and how many disagreements it catches, then every \
            disagreement with its texts and the evidence that fired (leave them out with --brief). With --rules it also \
            lists every rule that fired, with the share of its texts whose gold holds its code: what the rule's \
            confidence should say.
            """
    )

    @Option(help: "The human codes (gold-codes.json format).")
    var gold: String

    @Option(help: "The message file the gold codes (key<TAB>value or JSON lines).")
    var stream: String

    @Option(help: "The codebook to check.")
    var codebook: String = "Schemas/wwc-csc-2018/codebook.yaml"

    @Flag(help: "Print the figures only, not each disagreement.")
    var brief = false

    @Flag(help: "List every rule that fired, with how many of its texts gold agrees with.")
    var rules = false

    func run() throws {
        let coder: Coder
        do {
            coder = try Coder(codebook: Codebook(contentsOfFile: codebook))
        } catch {
            throw ValidationError(error.description)
        }
        func bytes(_ path: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
            return Array(data)
        }
        let gold: CodingGold
        do {
            gold = try CodingGold(gold: try bytes(self.gold), stream: try bytes(stream))
        } catch let error as CodingGold.LoadError {
            throw ValidationError("\(self.gold): \(error.description)")
        }
        print("codebook \(codebook) version \(coder.version); \(gold.respondents.count) coded respondents")
        print(CodebookCheck(coder: coder, gold: gold).report(brief: brief, allRules: rules), terminator: "")
    }
}
