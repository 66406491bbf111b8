import FieldTallyKafka

extension WorkerConfiguration {
    /// The group consumer's configuration: at-least-once offsets, batches of `maxBatch` (waiting
    /// at most `maxBatchWait` to fill, ``bufferedBatches`` converted ahead), fetches held at most
    /// `fetchWait` and returning up to `maxPartitionFetchBytes` per partition, a prefetch of at
    /// most ``prefetchKilobytes``, the worker's name as client id, then every `--kafka-property`
    /// (which wins).
    /// - Parameter topics: the input topics to subscribe to.
    /// - Returns: the configuration; a processor may still adjust it (``RecordProcessor/tuneConsumer(_:)``).
    public func consumerConfiguration(topics: [String]) -> KafkaConsumerConfiguration {
        var c = KafkaConsumerConfiguration(bootstrapServers: brokers, groupID: group, topics: topics)
        c.clientID = workerName
        c.groupInstanceID = instanceID
        c.batching.maxRecords = maxBatch
        c.batching.maxWait = maxBatchWait
        c.batching.bufferedBatches = Self.bufferedBatches
        c.autoCommitInterval = .seconds(1)
        c.additionalProperties = [
            "fetch.wait.max.ms": fetchWaitMilliseconds,
            "max.partition.fetch.bytes": String(Self.maxPartitionFetchBytes),
            "queued.max.messages.kbytes": String(Self.prefetchKilobytes),
        ]
        .merging(kafkaProperties) { _, passedThrough in passedThrough }
        return c
    }

    /// Batches the consumer thread converts ahead of the one being processed: 2. With one batch
    /// processed and one delivered, a worker holds at most four batches of records (about 50 MB
    /// of 2 KB submissions at the default `--max-batch`); librdkafka's prefetch does the rest.
    public static let bufferedBatches = 2

    /// The consumer's prefetch bound (`queued.max.messages.kbytes`): 128 MiB, twice librdkafka's
    /// default. A worker catching up drains its prefetch faster than a fetch comes back from a
    /// slow broker, so the prefetch must cover a fetch's round trip at full speed; it is also the
    /// largest part of a worker's memory (see Deploy/OPERATIONS.md, "Memory").
    public static let prefetchKilobytes = 128 * 1_024

    /// Bytes a fetch returns per partition at most: 8 MiB. librdkafka's 1 MiB holds only a few
    /// hundred coded records, so a worker catching up would wait a round trip per few hundred
    /// records. The consumer's prefetch stays bounded by `queued.max.messages.kbytes`.
    public static let maxPartitionFetchBytes = 8 * 1_048_576

    private var fetchWaitMilliseconds: String { String(Int((fetchWait / .milliseconds(1)).rounded())) }

    /// How long a producer waits for more records before sending (`linger.ms`): 1 ms. A worker
    /// hands a whole batch to the producer at once and then waits for its acknowledgements, so
    /// lingering longer would only delay every hop.
    public static let producerLinger = Duration.milliseconds(1)

    /// The default of ``maxRecordBytes``: 8 MiB, room for a submission at an instrument's 1 MiB
    /// cap with its coding, and for the dead letter of a message over the cap.
    public static let defaultMaxRecordBytes = 8 * 1_048_576

    /// The largest record a worker writes: `message.max.bytes` when given as a Kafka property,
    /// else ``defaultMaxRecordBytes``. Producers use it as `message.max.bytes` and created topics
    /// as `max.message.bytes` (librdkafka's and Kafka's ~1 MB defaults are below the message cap
    /// plus what the pipeline adds to a submission).
    public var maxRecordBytes: Int {
        kafkaProperties["message.max.bytes"].flatMap { Int($0) } ?? Self.defaultMaxRecordBytes
    }

    /// The idempotent producer's configuration (`message.max.bytes` and `batch.size` =
    /// ``maxRecordBytes``), then every `--kafka-property`.
    ///
    /// `batch.size` is raised from librdkafka's 1 MB because an idempotent producer keeps at most
    /// five requests in flight per partition: a 6,000-record batch of 3.7 KB coded records is
    /// about eight 1 MB requests per partition, and while the last ones wait for room the broker
    /// thread polls its socket with a zero timeout (about 14,000 polls a second, a third of
    /// tally-code's CPU on Tansu). With 8 MiB requests a batch fits in the window.
    ///
    /// `linger.ms` is ``producerLinger`` (1 ms, librdkafka's default is 5): a worker hands a
    /// whole batch's records to the producer at once and then waits for their acknowledgement,
    /// so waiting for more records only delays every hop.
    public func producerConfiguration() -> KafkaProducerConfiguration {
        var c = KafkaProducerConfiguration(bootstrapServers: brokers)
        c.clientID = workerName
        c.batching.linger = Self.producerLinger
        c.batching.maxBatchBytes = maxRecordBytes
        c.additionalProperties = ["message.max.bytes": String(maxRecordBytes)]
        c.additionalProperties.merge(kafkaProperties.filter { Self.appliesToProducer($0.key) }) { $1 }
        return c
    }

    /// The admin client's configuration, then every `--kafka-property` that applies to it.
    public func adminConfiguration() -> KafkaAdminConfiguration {
        var c = KafkaAdminConfiguration(bootstrapServers: brokers)
        c.clientID = workerName + "-admin"
        c.additionalProperties = kafkaProperties.filter { Self.appliesToProducer($0.key) }
        return c
    }

    /// The whole-topic reader's configuration (state restore), then every `--kafka-property`
    /// that applies to a consumer without a group.
    public func readerConfiguration() -> KafkaReaderConfiguration {
        var c = KafkaReaderConfiguration(bootstrapServers: brokers)
        c.clientID = workerName + "-restore"
        c.batching.maxWait = maxBatchWait
        // Not a group property, but a reader needs it too: an empty changelog took 2 s to read on
        // Tansu with librdkafka's 500 ms (every fetch of an empty partition is held that long).
        c.additionalProperties = ["fetch.wait.max.ms": fetchWaitMilliseconds]
            .merging(kafkaProperties.filter { !Self.groupOnly.contains($0.key) || $0.key == "fetch.wait.max.ms" }) { _, passedThrough in passedThrough
            }
        return c
    }

    /// Consumer-group properties that a producer or admin client would reject as unknown
    /// for its kind (librdkafka warns about them).
    static let groupOnly: Set<String> = [
        "session.timeout.ms", "heartbeat.interval.ms", "group.instance.id", "max.poll.interval.ms",
        "partition.assignment.strategy", "auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms",
        "isolation.level", "group.protocol", "fetch.min.bytes", "fetch.wait.max.ms", "enable.auto.offset.store",
    ]

    static func appliesToProducer(_ key: String) -> Bool { !groupOnly.contains(key) }
}
