import Foundation
import Testing

@testable import TallyIntake

/// Credentials, signatures and rate limits per source.
@Suite struct AccessPolicyTests {
    static let yaml = """
        sources:
          kobo:
            basic: { user: kobo, password_env: KOBO_PASSWORD }
          submissions:
            bearer: { token_env: INTAKE_TOKEN }
            hmac: { header: X-Signature-256, key_env: INTAKE_KEY }
            rate: { per_second: 1, burst: 2 }
        """
    static let environment = ["KOBO_PASSWORD": "s3cret", "INTAKE_TOKEN": "tok", "INTAKE_KEY": "key"]

    @Test func sha256AndHMACMatchThePublishedVectors() {
        #expect(SHA256.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // RFC 4231 test case 2.
        #expect(
            SHA256.hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
    }

    @Test func basicAndBearerCredentialsAreChecked() throws {
        let policy = try AccessPolicy(yaml: Self.yaml, file: "access.yaml", environment: Self.environment)
        let basic = "Basic " + Data("kobo:s3cret".utf8).base64EncodedString()
        #expect(throws: Never.self) { try policy.admit(source: "kobo", authorization: basic) }
        #expect(refusal { try policy.admit(source: "kobo", authorization: "Basic " + Data("kobo:wrong".utf8).base64EncodedString()) } == 401)
        #expect(refusal { try policy.admit(source: "kobo", authorization: nil) } == 401)
        #expect(refusal { try policy.admit(source: "odk", authorization: nil) } == 403, "a source the policy does not list")
        #expect(throws: Never.self) { try policy.admit(source: "submissions", authorization: "Bearer tok") }
        #expect(refusal { try policy.admit(source: "submissions", authorization: "Bearer nope") } == 401)
    }

    @Test func aSourceOverItsRateGets429() throws {
        let policy = try AccessPolicy(yaml: Self.yaml, file: "access.yaml", environment: Self.environment)
        let statuses = (0..<4).map { _ in refusal { try policy.admit(source: "submissions", authorization: "Bearer tok") } }
        #expect(statuses == [nil, nil, 429, 429])
    }

    @Test func signaturesAreCheckedOverTheBody() throws {
        let policy = try AccessPolicy(yaml: Self.yaml, file: "access.yaml", environment: Self.environment)
        let body = Array("{\"a\":1}".utf8)
        let good = "sha256=" + SHA256.hex(SHA256.hmac(key: Array("key".utf8), message: body))
        #expect(throws: Never.self) {
            try policy.verifySignature(source: "submissions", header: { $0 == "X-Signature-256" ? good : nil }, body: body)
        }
        #expect(refusal { try policy.verifySignature(source: "submissions", header: { _ in good }, body: body + [0x20]) } == 401)
        #expect(refusal { try policy.verifySignature(source: "submissions", header: { _ in nil }, body: body) } == 401)
    }

    @Test func aMissingSecretIsAnErrorNamingTheVariable() {
        #expect { try AccessPolicy(yaml: Self.yaml, file: "access.yaml", environment: [:]) } throws: { error in
            "\(error)".contains("KOBO_PASSWORD")
        }
    }

    private func refusal(_ body: () throws -> Void) -> Int? {
        do { try body() } catch let refusal as AccessPolicy.Refusal { return refusal.status } catch { return -1 }
        return nil
    }
}
