import ServiceKit
import ServiceKitHTTPClient

/// ingestion's `GET /v1/jobs/{id}`: where an upload's processing stands.
struct IngestionClient: Sendable {
    /// The parts of a job the reply tells.
    struct Job: Decodable, Sendable {
        let id: String
        let kind: String
        let status: String
        let attempts: Int
        let error: String?
    }

    let service: ServiceClient

    /// The job, or nil when ingestion has none with that id.
    func job(_ id: String) async throws -> Job? {
        do {
            return try await service.get("/v1/jobs/\(id)", as: Job.self)
        } catch ProviderCallError.failed(let failure, _) where failure.status == 404 {
            return nil
        }
    }
}
