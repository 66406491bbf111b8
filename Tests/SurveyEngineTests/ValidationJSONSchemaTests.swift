import FieldTallyTestKit
import Foundation
import Testing

@testable import SurveyEngine

/// Schemas/submission.schema.json (for producers in other languages) must agree with the Validator.
/// Runs Python's `jsonschema` (Draft 2020-12); a missing python3 or jsonschema is a failure that says so.
@Suite struct ValidationJSONSchemaTests {
    static let script = """
        import json, sys
        try:
            import jsonschema
        except ImportError:
            print("python3 has no jsonschema package: run `pip install jsonschema`", file=sys.stderr)
            sys.exit(3)
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for case in json.load(open(sys.argv[2])):
            errors = [e.message[:160] for e in validator.iter_errors(json.loads(case["doc"]))]
            print(json.dumps({"name": case["name"], "valid": not errors, "errors": errors[:3]}))
        """

    struct Verdict: Decodable {
        var name: String
        var valid: Bool
        var errors: [String]
    }

    /// The schema's verdict on each (name, document text).
    func schemaVerdicts(_ cases: [(name: String, doc: String)]) throws -> [String: Verdict] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let casesFile = folder.appendingPathComponent("cases.json")
        let payload = cases.map { ["name": $0.name, "doc": $0.doc] }
        try JSONSerialization.data(withJSONObject: payload).write(to: casesFile)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", Self.script,
            SampleStream.schemasDirectory.appendingPathComponent("submission.schema.json").path, casesFile.path,
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            Issue.record("cannot start python3 to check the JSON Schema (install python3 and `pip install jsonschema`): \(error)")
            return [:]
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("python3 jsonschema check failed (exit \(process.terminationStatus)): \(message)")
            return [:]
        }
        var verdicts: [String: Verdict] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let verdict = try JSONDecoder().decode(Verdict.self, from: Data(line))
            verdicts[verdict.name] = verdict
        }
        return verdicts
    }

    @Test func schemaAgreesWithTheValidatorOnSampleLinesAndMutations() throws {
        let (instrument, frame) = try SampleStream.loadInstrument()
        let validator = Validator(instrument: instrument, frame: frame)
        var cases: [(name: String, doc: String, invalid: Bool)] = []
        func add(_ name: String, _ bytes: [UInt8]) {
            // Only JSON documents: the schema cannot judge bytes that are not JSON.
            guard (try? JSONParser().parse(bytes)) != nil else { return }
            cases.append((name, String(decoding: bytes, as: UTF8.self), validator.validate(bytes).rejection?.reason == .invalid))
        }
        let sample = try SampleStream.load()
        for message in sample.messages { add("line \(message.line)", message.value) }

        // Every answer and envelope member replaced by values of other types and edge values.
        let base = try JSONParser().parse(try #require(sample.messages.first).value)
        let replacements: [(String, JSONValue?)] = [
            ("absent", nil), ("null", .null), ("true", .bool(true)), ("-1", .number(-1)), ("1980", .number(1980)),
            ("2018.5", .number(2018.5)), ("blank", .string(" ")), ("other", .string("other")), ("stable", .string("stable")),
            ("empty array", .array([])), ("[other]", .array([.string("other")])),
            ("[whole_system, whole_system]", .array([.string("whole_system"), .string("whole_system")])),
            ("empty object", .object([:])), ("section", .object(["description": .string("x")])),
            ("uuid", .string("uuid:585ab0e6-ec34-4dc1-8359-08b8db2d3e7e")), ("time", .string("2018-04-03T11:28:02Z")),
        ]
        var paths: [[String]] = [
            ["form_id"], ["form_version"], ["instance_id"], ["deprecated_id"], ["respondent_id"],
            ["submitted_at"], ["answers"], ["answers", "unexpected"], ["answers", "approaches", "short_breaks"],
            ["answers", "approaches", "whole_system", "extra"],
        ]
        for name in base["answers"]?.objectValue?.keys.sorted() ?? [] { paths.append(["answers", name]) }
        for name in ["description", "introduced_year", "evidence"] { paths.append(["answers", "approaches", "whole_system", name]) }
        for path in paths {
            for (label, value) in replacements {
                var document = base
                document.set(path, value)
                add("\(path.joined(separator: ".")) = \(label)", JSONWriter().bytes(document))
            }
        }
        #expect(cases.count > 300)

        let verdicts = try schemaVerdicts(cases.map { ($0.name, $0.doc) })
        guard !verdicts.isEmpty else { return }
        for (name, _, invalid) in cases {
            let verdict = try #require(verdicts[name], "no schema verdict for \(name)")
            #expect(
                verdict.valid == !invalid,
                "\(name): validator says \(invalid ? "invalid" : "valid"), schema says \(verdict.valid ? "valid" : "invalid \(verdict.errors)")"
            )
        }
    }
}
