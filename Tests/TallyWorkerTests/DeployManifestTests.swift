import FieldTallyTestKit
import Foundation
import TallyWorker
import Testing
import Yams

/// Static checks of Deploy/ (no container engine here): the manifests start programs the image
/// contains, with variables the workers read, and probe the endpoints the workers serve.
@Suite struct DeployManifestTests {
    let root: URL
    init() throws { root = try TallySample().packageRoot }

    func text(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

    /// The executable products Package.swift declares.
    func products() throws -> Set<String> {
        let package = try text("Package.swift")
        let pattern = try Regex(#"\.executable\(name: "([^"]+)""#)
        return Set(package.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    /// The programs the Dockerfile's build loop (`for p in a b c; do`) builds into the image.
    func imagePrograms(_ dockerfile: String) -> Set<String> {
        guard let start = dockerfile.range(of: "for p in "), let end = dockerfile[start.upperBound...].firstIndex(of: ";") else { return [] }
        return Set(dockerfile[start.upperBound..<end].split(separator: " ").map(String.init))
    }

    func manifests() throws -> [(name: String, document: [String: Any])] {
        let folder = root.appendingPathComponent("Deploy/k8s")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted().map { name in
            let loaded = try Yams.load(yaml: try text("Deploy/k8s/\(name)"))
            return (name, try #require(loaded as? [String: Any], "\(name) is not a YAML mapping"))
        }
    }

    /// What the programs read: every worker's variables, and tally-store's database.
    static let knownVariables = Set(WorkerOptions.environmentVariables + ["TALLY_DATABASE"])

    @Test func deploymentsRunImageProgramsWithKnownVariablesAndRealProbes() throws {
        let programs = try products()
        let dockerfile = try text("Deploy/Dockerfile")
        let deployments = try manifests().filter { ["Deployment", "StatefulSet"].contains($0.document["kind"] as? String) }
        #expect(deployments.count == 4)
        for (name, document) in deployments {
            let spec = try #require((document["spec"] as? [String: Any])?["template"] as? [String: Any])
            let containers = try #require((spec["spec"] as? [String: Any])?["containers"] as? [[String: Any]], "\(name): no containers")
            for container in containers {
                let command = try #require((container["command"] as? [String])?.first, "\(name): no command")
                #expect(programs.contains(command), "\(name) runs \(command), which Package.swift does not build")
                #expect(imagePrograms(dockerfile).contains(command), "\(name) runs \(command), which the image does not build")
                for env in container["env"] as? [[String: Any]] ?? [] {
                    let variable = env["name"] as? String ?? ""
                    #expect(Self.knownVariables.contains(variable), "\(name) sets \(variable), which no program reads")
                }
                let port = try #require((container["ports"] as? [[String: Any]])?.first?["containerPort"] as? Int)
                let httpPort = (container["env"] as? [[String: Any]])?.first { $0["name"] as? String == "TALLY_HTTP_PORT" }?["value"] as? String
                #expect(httpPort == String(port), "\(name): TALLY_HTTP_PORT must match the container port")
                let readiness = (container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
                let liveness = (container["livenessProbe"] as? [String: Any])?["httpGet"] as? [String: Any]
                #expect(readiness?["path"] as? String == "/healthz")
                #expect(liveness?["path"] as? String == "/livez")
            }
        }
    }

    @Test func configMapHoldsOnlyVariablesTheWorkersRead() throws {
        let maps = try manifests().filter { $0.document["kind"] as? String == "ConfigMap" }
        #expect(!maps.isEmpty)
        for (name, document) in maps {
            for key in (document["data"] as? [String: Any] ?? [:]).keys {
                #expect(WorkerOptions.environmentVariables.contains(key), "\(name) sets \(key), which no worker reads")
            }
        }
    }
}
