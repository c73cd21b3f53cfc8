import Foundation
import IngestionService
import ServiceKit
import TestSupport
import Testing

/// `GET /v1/events?cursor=`: a cursor is client input, so one whose time cannot be a
/// timestamp (NaN, infinite, far outside years 1 to 9999) is a 422 on `cursor`, never a crash.
@Suite struct EventCursorTests {
    @Test(arguments: ["nan", "inf", "-inf", "1e300", "-1e300", "253402300800"])
    func aCursorWithAnUnrepresentableTimeIs422(time: String) async throws {
        try await RunningService.with(IngestionService.definition, waitForReady: true) { service in
            let token = Data("\(time)|\(UUID().uuidString)".utf8).base64EncodedString()
            let response = try await service.send(.GET, "/v1/events?cursor=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)")
            #expect(response.status == 422, "\(response.body)")
            #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            #expect((try response.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } == ["cursor"])
            // The service is still there.
            #expect(try await service.send(.GET, "/v1/events?limit=1").status == 200)
        }
    }
}
