import Testing

/// Every integration test of the worker pipeline, one at a time: each starts three to six worker
/// processes, and the machine running them has few cores.
@Suite("Worker pipeline", .serialized)
struct WorkerPipeline {}
