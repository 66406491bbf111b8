import Testing
@testable import FieldTallyKafka
