// librdkafka binding.
