import SurveyEngine

/// The value of a `survey.coded` record: a validated submission (embedded byte for byte as it
/// was submitted), its coding (codebook version, codes, evidence) and its source position.
///
/// ```json
/// {"source": "survey.submissions/0/42", "coding": {…}, "submission": {…as submitted…}}
/// ```
public struct CodedRecord: Sendable {
    /// Where the submission was first read.
    public var source: SourcePosition
    /// The coding.
    public var coding: CodingResult
    /// The submission document.
    public var submission: JSONValue

    /// Encodes a coded record, splicing the submission's original bytes in unchanged.
    public static func encode(source: SourcePosition, coding: CodingResult, submissionBytes: some Collection<UInt8>,
                              writer: JSONWriter = JSONWriter()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(submissionBytes.count + 1_024)
        out += Array(#"{"source":"#.utf8)
        writer.write(.string(source.text), into: &out)
        out += Array(#","coding":"#.utf8)
        writer.write(coding.jsonValue, into: &out)
        out += Array(#","submission":"#.utf8)
        out += submissionBytes
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Decodes a coded record.
    /// - Throws: `SurveyDefinitionError` (file `survey.coded`) when the bytes are not a coded record.
    public init(bytes: [UInt8], parser: JSONParser = JSONParser()) throws(SurveyDefinitionError) {
        let document: JSONValue
        do { document = try parser.parse(bytes) } catch {
            throw SurveyDefinitionError(file: "survey.coded", message: "not JSON: \(error)")
        }
        guard let sourceText = document["source"]?.stringValue, let source = SourcePosition(text: sourceText),
              let coding = document["coding"], let submission = document["submission"]
        else { throw SurveyDefinitionError(file: "survey.coded", message: "a coded record needs source, coding and submission") }
        self.source = source
        self.coding = try CodingResult(jsonValue: coding)
        self.submission = submission
    }
}
