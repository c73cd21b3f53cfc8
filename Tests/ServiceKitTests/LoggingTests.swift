import Foundation
import Logging
import ServiceKit
import TestSupport
import Testing

@Suite struct LoggingTests {
    func logged(_ body: (Logger) -> Void) throws -> [String: Any] {
        let capture = LogCapture()
        let logger = Logger(label: "test") { _ in JSONLogHandler(service: "unit", sink: capture.append) }
        body(logger)
        #expect(capture.all.count == 1)
        let line = try #require(capture.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func writesOneJSONObjectPerLineWithTheStandardFields() throws {
        let entry = try logged {
            $0.warning("disk \"almost\" full\nreally", metadata: ["free_mb": .stringConvertible(12), "ok": .stringConvertible(false)])
        }
        #expect(entry["level"] as? String == "warning")
        #expect(entry["service"] as? String == "unit")
        #expect(entry["msg"] as? String == "disk \"almost\" full\nreally")
        #expect(entry["free_mb"] as? Int == 12)
        #expect(entry["ok"] as? Bool == false)
        let timestamp = try #require(entry["ts"] as? String)
        #expect(timestamp.count == 24 && timestamp.hasSuffix("Z"))
    }

    @Test func redactsEmailAndBearerTokenInMessageAndMetadata() throws {
        let entry = try logged {
            $0.info(
                "login by jane.doe+ops@example.com with Authorization: Bearer eyJhbGciOi.abc-123_x",
                metadata: ["detail": "contact bob@corp.example.org", "authorization": "Bearer zzz", "nested": ["api_key": "k-1"]]
            )
        }
        let message = try #require(entry["msg"] as? String)
        #expect(!message.contains("jane.doe"))
        #expect(!message.contains("eyJhbGciOi"))
        #expect(message == "login by [redacted-email] with Authorization: Bearer [redacted]")
        #expect(entry["detail"] as? String == "contact [redacted-email]")
        #expect(entry["authorization"] as? String == "[redacted]")
        #expect((entry["nested"] as? [String: Any])?["api_key"] as? String == "[redacted]")
    }

    @Test(arguments: [
        ("no secrets here", "no secrets here"),
        ("user@localhost is not an address", "user@localhost is not an address"),
        ("a@b.co", "[redacted-email]"),
        ("x-api-key: abc123 then", "x-api-key: [redacted] then"),
        ("api_key=s3cret&next=1", "api_key=[redacted]&next=1"),
        ("Bearer abc@def.com", "Bearer [redacted]@def.com"),
        ("dial redis://:pw123@127.0.0.1:6379/0 failed", "dial redis://:[redacted]@127.0.0.1:6379/0 failed"),
        ("postgresql://app:p4ss@db.internal/suite", "postgresql://app:[redacted]@db.internal/suite"),
        ("see https://example.com:8443/path", "see https://example.com:8443/path"),
    ])
    func redactorCases(input: String, expected: String) {
        #expect(LogRedactor.redact(input) == expected)
    }

    @Test func requestAndTraceIDsComeFromTheTaskLocals() throws {
        let trace = try #require(TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        let entry = try RequestID.$current.withValue("req-42") {
            try TraceContext.$current.withValue(trace) {
                try logged { $0.info("inside a request") }
            }
        }
        #expect(entry["request_id"] as? String == "req-42")
        #expect(entry["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
    }
}
