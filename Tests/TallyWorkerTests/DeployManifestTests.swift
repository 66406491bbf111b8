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

    /// Every document of every manifest in Deploy/k8s/ (a file may hold several, e.g. a claim and its Deployment).
    func manifests() throws -> [(name: String, document: [String: Any])] {
        let folder = root.appendingPathComponent("Deploy/k8s")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted().flatMap { name in
            try Yams.load_all(yaml: try text("Deploy/k8s/\(name)")).map { loaded in
                (name, try #require(loaded as? [String: Any], "\(name) holds a document that is not a YAML mapping"))
            }
        }
    }

    /// The `metadata.name` of a manifest's document.
    func resourceName(_ document: [String: Any]) -> String? { (document["metadata"] as? [String: Any])?["name"] as? String }

    /// What the programs read: every worker's variables, and tally-store's database.
    static let knownVariables = Set(WorkerOptions.environmentVariables + ["TALLY_DATABASE"])

    @Test func deploymentsRunImageProgramsWithKnownVariablesAndRealProbes() throws {
        let programs = try products()
        let dockerfile = try text("Deploy/Dockerfile")
        let documents = try manifests()
        let configMaps = Set(documents.filter { $0.document["kind"] as? String == "ConfigMap" }.compactMap { resourceName($0.document) })
        let deployments = documents.filter { ["Deployment", "StatefulSet"].contains($0.document["kind"] as? String) }
        // The three workers, the intake gateway, the dashboard and the store.
        #expect(deployments.count == 6)
        for (name, document) in deployments {
            let spec = try #require((document["spec"] as? [String: Any])?["template"] as? [String: Any])
            for volume in (spec["spec"] as? [String: Any])?["volumes"] as? [[String: Any]] ?? [] {
                if let map = (volume["configMap"] as? [String: Any])?["name"] as? String {
                    #expect(configMaps.contains(map), "\(name) mounts ConfigMap \(map), which no manifest defines")
                }
            }
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

    /// The ConfigMap the containers take their environment from (`envFrom`); a survey's ConfigMap holds
    /// files instead, and Deploy/k8s/schemas-configmap.sh --check keeps it equal to Schemas/.
    @Test func configMapHoldsOnlyVariablesTheWorkersRead() throws {
        let documents = try manifests()
        let environmentMaps = Set(
            documents.flatMap { _, document -> [String] in
                let pod = ((document["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]
                let containers = pod?["containers"] as? [[String: Any]] ?? []
                let sources = containers.flatMap { $0["envFrom"] as? [[String: Any]] ?? [] }
                return sources.compactMap { ($0["configMapRef"] as? [String: Any])?["name"] as? String }
            }
        )
        let maps = documents.filter { $0.document["kind"] as? String == "ConfigMap" && environmentMaps.contains(resourceName($0.document) ?? "") }
        #expect(!maps.isEmpty)
        for (name, document) in maps {
            for key in (document["data"] as? [String: Any] ?? [:]).keys {
                #expect(WorkerOptions.environmentVariables.contains(key), "\(name) sets \(key), which no worker reads")
            }
        }
    }
}
