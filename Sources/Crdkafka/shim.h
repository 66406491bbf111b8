// librdkafka's C API, seen by Swift only through FieldTallyKafka.
#include <librdkafka/rdkafka.h>
