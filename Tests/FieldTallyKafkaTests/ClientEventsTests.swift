import FieldTallyKafka
import FieldTallyTestKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ClientEventsTests {
    @Test func statisticsArriveOnTheEventStreamWhenEnabled() async throws {
        let broker = try await TestBroker.shared()
        var configuration = broker.producerConfiguration()
        configuration.statisticsInterval = .milliseconds(200)
        let producer = try KafkaProducer(configuration: configuration)
        var statistics: String?
        for await event in producer.events {
            if case .statistics(let json) = event {
                statistics = json
                break
            }
        }
        #expect(statistics?.contains("\"type\": \"producer\"") == true || statistics?.contains("\"type\":\"producer\"") == true)
        await producer.close()
    }

    @Test func brokerConnectionFailuresArriveOnTheEventStream() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:\(try freeLoopbackPort())"])
        configuration.deliveryTimeout = .seconds(2)
        let producer = try KafkaProducer(configuration: configuration)
        let pending = try await producer.enqueue([KafkaProducerRecord(topic: "t", key: nil, value: "v")])
        var reported: KafkaError?
        for await event in producer.events {
            if case .error(let error) = event {
                reported = error
                break
            }
        }
        #expect(reported?.isFatal == false)
        #expect(reported.map { [.transport, .allBrokersDown].contains($0.code) } == true, "\(String(describing: reported))")
        _ = await pending.results()
        await producer.close(timeout: .seconds(1))
    }

    @Test func sendsRacingWithCloseAllCompleteEitherDeliveredOrClosed() async throws {
        let broker = try await TestBroker.shared()
        let topic = try await broker.createTopic("race", partitions: 2)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        let outcomes = await withTaskGroup(of: [Bool].self) { group in
            for sender in 0..<8 {
                group.addTask {
                    var delivered: [Bool] = []
                    for round in 0..<20 {
                        do throws(KafkaError) {
                            _ = try await producer.sendAll(
                                (0..<50).map { KafkaProducerRecord(topic: topic, key: "\(sender)", value: "\(round)-\($0)") }
                            )
                            delivered.append(true)
                        } catch {
                            #expect(
                                error.code == .closed || error.code == .purged || error.code == KafkaError.Code(rawValue: "purge_inflight"),
                                "\(error)"
                            )
                            delivered.append(false)
                        }
                    }
                    return delivered
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(300))
                await producer.close()
                return []
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes.count == 8 * 20)
        #expect(outcomes.contains(true))
    }
}
