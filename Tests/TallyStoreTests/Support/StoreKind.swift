import FieldTallyTestKit
import Foundation
import Logging
import TallyStore

/// The two databases the store runs on; each test that takes it runs on both.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A SQLite file in a temporary folder.
    case sqlite
    /// A fresh database on the test run's own PostgreSQL 15 (``TestPostgres``).
    case postgres

    var description: String { rawValue }

    /// Where a new, empty store lives: a file path or a `postgres://` URL.
    func freshLocation(_ name: String = "store") async throws -> String {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldtally-store-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return folder.appendingPathComponent("\(name).sqlite").path
        case .postgres:
            return try await TestPostgres.shared().createDatabase(name)
        }
    }

    /// A new, migrated, empty store.
    func freshStore() async throws -> (database: TallyStoreDatabase, location: String) {
        let location = try await freshLocation()
        let database = try await TallyStoreDatabase.open(StoreLocation(location), logger: Self.logger)
        try await database.migrate()
        return (database, location)
    }

    static let logger: Logger = {
        var logger = Logger(label: "tally-store-tests")
        logger.logLevel = .warning
        return logger
    }()
}
