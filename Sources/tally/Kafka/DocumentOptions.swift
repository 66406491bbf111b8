import ArgumentParser
import SurveyEngine

/// Options shared by the commands that print a merged tally document.
struct DocumentOptions: ParsableArguments {
    @Option(help: "The survey (form id) when --schemas holds several.")
    var form: String?

    @Option(help: "Hide counts from 1 to N-1 (small-cell suppression, applied when reading). Default: off.")
    var suppressBelow: Int?

    func options(asOf: String?) -> TallyDocument.Options {
        TallyDocument.Options(suppressBelow: suppressBelow, provisional: true, asOf: asOf)
    }
}
