// librdkafka's C API, seen by Swift only through FieldTallyKafka.
#include <librdkafka/rdkafka.h>

// Swift cannot call C variadic functions nor see macros with casts, so the few
// that FieldTallyKafka needs are restated here as plain inline C.

static const int32_t fieldtally_partition_unassigned = RD_KAFKA_PARTITION_UA;
static const int64_t fieldtally_offset_beginning = RD_KAFKA_OFFSET_BEGINNING;
static const int64_t fieldtally_offset_end = RD_KAFKA_OFFSET_END;
static const int64_t fieldtally_offset_stored = RD_KAFKA_OFFSET_STORED;
static const int64_t fieldtally_offset_invalid = RD_KAFKA_OFFSET_INVALID;
static const int fieldtally_msg_copy = RD_KAFKA_MSG_F_COPY;
static const int fieldtally_purge_queue_and_inflight = RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT;

/// Enqueues one message on a cached topic handle, copying key and value.
/// `headers` (may be NULL) is owned by librdkafka only when this returns NO_ERROR.
static inline rd_kafka_resp_err_t fieldtally_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt,
                                                     int32_t partition,
                                                     const void *key, size_t key_len,
                                                     const void *value, size_t value_len,
                                                     rd_kafka_headers_t *headers,
                                                     void *opaque) {
    return rd_kafka_producev(rk,
                             RD_KAFKA_V_RKT(rkt),
                             RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len),
                             RD_KAFKA_V_HEADERS(headers),
                             RD_KAFKA_V_OPAQUE(opaque),
                             RD_KAFKA_V_END);
}

// ThreadSanitizer cannot see Swift's Synchronization.Mutex on Linux (it locks with
// raw futex syscalls), so FieldTallyKafka's lock wrapper reports its critical
// sections through these. Without TSan the weak symbols are null: a no-op.
extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));
static inline void fieldtally_tsan_acquire(void *address) { if (__tsan_acquire) __tsan_acquire(address); }
static inline void fieldtally_tsan_release(void *address) { if (__tsan_release) __tsan_release(address); }
