import FieldTallyKafka
import FieldTallyTestKit
import Foundation
import SurveyEngine
import TallyWorker

/// The sample stream as a pipeline of three partitions publishes it (``PublishedTallies``): a
/// partial after every message, every fifth partial and dead letter published twice, and one
/// record on the tallies topic that is not a partial.
struct PublishedSample {
    let survey: SurveyDefinition
    let published: PublishedTallies
    /// The tally document of the whole sample.
    let document: TallyDocument

    init() throws {
        survey = try SurveyDefinition(directory: SampleStream.schemasDirectory.path)
        let sample = try SampleStream.load()
        var options = PublishedTallies.Options()
        options.republishEvery = 5
        options.junkAt = 40
        published = try PublishedTallies(
            messages: sample.messages.map { KeyedMessage(key: $0.key.isEmpty ? nil : Array($0.key.utf8), value: $0.value, line: $0.line) },
            survey: survey,
            options: options
        )
        document = TallyDocument(merged: published.merged, plan: survey.plan, frame: survey.frame)
    }

    var topics: WorkerConfiguration.Topics { published.options.topics }
    var records: [KafkaRecord] { published.records }
    var snapshots: Int { published.snapshots }
    var rejections: Int { published.rejections }

    func batches(from positions: [KafkaTopicPartitionOffset], using random: inout some RandomNumberGenerator) -> [KafkaBatch] {
        published.batches(from: positions, sizes: 1...12, using: &random)
    }
}
