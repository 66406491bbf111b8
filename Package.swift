// swift-tools-version:6.0
// FieldTally: live, exact survey tallies from Kafka. Layers, bottom up:
//   Crdkafka (C, librdkafka via pkg-config) → FieldTallyKafka (the only importer of Crdkafka)
//   CStemmer (C, Snowball's libstemmer) → SurveyEngine (instrument, validation, coding, aggregation:
//   no Kafka, no I/O)
//   → executables (thin: configuration + wiring).
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "FieldTally",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tally", targets: ["tally"]),
        .executable(name: "tally-validate", targets: ["tally-validate"]),
        .executable(name: "tally-code", targets: ["tally-code"]),
        .executable(name: "tally-aggregate", targets: ["tally-aggregate"]),
        .executable(name: "tally-dashboard", targets: ["tally-dashboard"]),
        .executable(name: "tally-intake", targets: ["tally-intake"]),
        .executable(name: "tally-store", targets: ["tally-store"]),
        .library(name: "SurveyEngine", targets: ["SurveyEngine"]),
        .library(name: "FieldTallyKafka", targets: ["FieldTallyKafka"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
    ],
    targets: [
        .systemLibrary(
            name: "Crdkafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev (2.8 or newer: run Deploy/setup.sh)"])]
        ),
        .target(
            name: "FieldTallyKafka",
            dependencies: ["Crdkafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The Snowball stemmer (C): the coder matches concept words by their stem.
        .systemLibrary(
            name: "CStemmer",
            providers: [.apt(["libstemmer-dev (run Deploy/setup.sh)"])]
        ),
        .target(
            name: "SurveyEngine",
            dependencies: ["CStemmer", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "TallyWorker",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        // The tallies subscriber: merged tallies, dead letters and consumed offsets in SQLite or
        // PostgreSQL, written exactly once (offsets in the same transaction as their rows).
        .target(
            name: "TallyStore",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka", "TallyWorker",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-store",
            dependencies: ["TallyStore", "TallyWorker", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        // SQLite unit tests, and the store on Tansu and on a PostgreSQL 15 the tests start (kill -9 included).
        .testTarget(
            name: "TallyStoreTests",
            dependencies: ["TallyStore", "FieldTallyTestKit", "SurveyEngine", "FieldTallyKafka", "TallyWorker"],
            swiftSettings: strict
        ),
        // The HTTP gateway from survey platforms to survey.submissions (issue 13).
        .target(
            name: "TallyIntake",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka", "TallyWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-intake",
            dependencies: ["TallyIntake", "TallyWorker", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TallyIntakeTests",
            dependencies: ["TallyIntake", "SurveyEngine", "FieldTallyTestKit", "TallyWorker"],
            swiftSettings: strict
        ),
        // The live web dashboard: Hummingbird app, server-sent events hub, the page, the Kafka feed.
        .target(
            name: "TallyDashboard",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka", "TallyWorker",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-dashboard",
            dependencies: ["TallyDashboard", "TallyWorker", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .target(
            name: "FieldTallyTestKit",
            dependencies: ["FieldTallyKafka", "SurveyEngine", "TallyWorker"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka", "TallyWorker", "TallyStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-validate",
            dependencies: ["TallyWorker", "SurveyEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-code",
            dependencies: ["TallyWorker", "SurveyEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "tally-aggregate",
            dependencies: ["TallyWorker", "SurveyEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "fieldtally-bench",
            dependencies: [
                "SurveyEngine", "FieldTallyKafka", "FieldTallyTestKit", "TallyWorker", "TallyStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Consumes and commits until killed: the crash-recovery test launches it and sends SIGKILL.
        .executableTarget(
            name: "fieldtally-kafka-probe",
            dependencies: ["FieldTallyKafka"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FieldTallyKafkaTests",
            dependencies: ["FieldTallyKafka", "FieldTallyTestKit"],
            swiftSettings: strict
        ),
        // The kill -9 crash-recovery test of the three workers, and the synthetic stream it submits.
        .testTarget(
            name: "CrashTests",
            dependencies: ["SurveyEngine", "FieldTallyKafka", "FieldTallyTestKit", "TallyWorker"],
            swiftSettings: strict
        ),
        // Starts the worker executables as processes on a Tansu broker: build them first
        // (`swift build --build-tests`).
        .testTarget(
            name: "PipelineTests",
            dependencies: ["FieldTallyTestKit", "TallyWorker", "SurveyEngine", "FieldTallyKafka"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TallyWorkerTests",
            dependencies: [
                "TallyWorker", "FieldTallyTestKit", "SurveyEngine", "FieldTallyKafka",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // The dashboard in process (hub, server, auth, CSV) and, with the pipeline and tally-dashboard
        // running as processes, in a headless Chromium (Debian's chromium and chromium-driver).
        .testTarget(
            name: "TallyDashboardTests",
            dependencies: [
                "TallyDashboard", "TallyWorker", "FieldTallyTestKit", "SurveyEngine", "FieldTallyKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SurveyEngineTests",
            dependencies: ["SurveyEngine", "FieldTallyTestKit"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
