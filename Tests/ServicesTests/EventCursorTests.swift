import Foundation
import IngestionService
import ServiceKit
import TestSupport
import Testing

/// `GET /v1/events?cursor=`: a cursor is client input. One not of the documented form
/// `<microseconds>_<uuid>` is a 422 on `cursor`; one of that form but outside the times the
/// database holds pages from the start or past the end, never a crash.
@Suite struct EventCursorTests {
    @Test(arguments: [
        "nan_\(UUID())", "1e300_\(UUID())", "+5_\(UUID())", "5_not-a-uuid", "", Data("1.5|\(UUID())".utf8).base64EncodedString(),
        "1234567890123456789_\(UUID())",
    ])
    func aCursorNotOfTheDocumentedFormIs422(cursor: String) async throws {
        try await RunningService.with(IngestionService.definition, waitForReady: true) { service in
            let response = try await service.send(
                .GET,
                "/v1/events?cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? cursor)"
            )
            #expect(response.status == 422, "\(response.body)")
            #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect((try response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["cursor"])
        }
    }

    @Test func aCursorBeyondTheRepresentableTimesPagesFromTheStartOrPastTheEnd() async throws {
        try await RunningService.with(IngestionService.definition, waitForReady: true) { service in
            let type = "cursor-\(UUID().uuidString.prefix(8))"
            let posted = try await service.send(
                .POST,
                "/v1/events",
                headers: [("Content-Type", "application/json")],
                body: #"{"type": "\#(type)", "source": "test", "occurred_at": "2026-01-02T03:04:05Z", "payload": {}}"#
            )
            #expect(posted.status == 202, "\(posted.body)")
            let before = try await service.send(.GET, "/v1/events?type=\(type)&cursor=-999999999999999999_\(UUID())")
            #expect(before.status == 200, "\(before.body)")
            #expect((try before.json["events"] as? [Any])?.count == 1)
            let after = try await service.send(.GET, "/v1/events?type=\(type)&cursor=999999999999999999_\(UUID())")
            #expect(after.status == 200, "\(after.body)")
            #expect((try after.json["events"] as? [Any])?.count == 0)
        }
    }
}
