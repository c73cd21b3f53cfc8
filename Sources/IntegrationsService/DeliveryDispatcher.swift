import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceKit
import ServiceKitHTTPClient
import ServiceLifecycle

/// Sends due deliveries from the outbox through each provider's ``ResiliencePolicy``:
/// `concurrency` loops per replica, safe side by side thanks to `FOR UPDATE SKIP LOCKED`.
/// A failed attempt is retried later with backoff, a client error fails at once, and after
/// `maxAttempts` a delivery is dead. A delivery is sent twice only where a timeout left us
/// unsure whether it arrived; providers' dedup keys (PagerDuty's, `Webhook-Id`) cover that.
struct DeliveryDispatcher: Service {
    let store: DeliveryStore
    let registry: ProviderRegistry
    let http: OutboundHTTP
    let concurrency: Int
    let maxAttempts: Int
    let retryBase: Duration
    let idlePoll: Duration
    let logger: Logger

    /// On graceful shutdown each loop finishes the delivery in hand (bounded by its policy's
    /// budget) and takes no other, so nothing is left `sending` behind a lease.
    func run() async throws {
        await withDiscardingTaskGroup { group in
            for _ in 0..<concurrency {
                group.addTask { await self.loop() }
            }
        }
    }

    private func loop() async {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            guard store.database.isMigrated else {
                try? await Task.sleep(for: .milliseconds(200))
                continue
            }
            do {
                if try await dispatchOne() == false {
                    try await Task.sleep(for: idlePoll)
                }
            } catch is CancellationError {
                return
            } catch {
                logger.warning("delivery dispatch failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Sends one due delivery; false when none was due.
    func dispatchOne() async throws -> Bool {
        // The lease outlasts the policy's whole budget, so a live sender always finishes first.
        guard let (delivery, providerName, attempts) = try await store.claimDue(lease: registry.longestBudget + .seconds(30)) else { return false }
        guard let entry = registry.entry(providerName), entry.provider.isConfigured else {
            try await store.markFailed(
                delivery.id,
                status: "failed",
                error: "provider \(providerName) is not configured",
                retryAt: Date(),
                refund: false
            )
            return true
        }
        // Claimed again after its last attempt: that sender stopped (crashed, or was killed)
        // before recording an outcome, and sending again could stop the next one the same way.
        if attempts > maxAttempts {
            try await store.markFailed(
                delivery.id,
                status: "dead",
                error: "attempts spent: the last attempt ended without an outcome",
                retryAt: Date(),
                refund: true
            )
            logger.warning("delivery is dead", metadata: ["delivery_id": "\(delivery.id)", "provider": "\(providerName)", "error": "attempts spent"])
            return true
        }
        // Before the policy: a refused target is final (no retry, nothing for the breaker), and
        // no attempt was made, so none is counted.
        if let reason = await entry.provider.refusal(ofTarget: delivery.target) {
            try await store.markFailed(delivery.id, status: "dead", error: "target refused: \(reason)", retryAt: Date(), refund: true)
            logger.warning("delivery is dead", metadata: ["delivery_id": "\(delivery.id)", "provider": "\(providerName)", "error": "target refused"])
            return true
        }
        do {
            let reply = try await entry.policy.execute { _ in
                try await entry.provider.send(delivery, http: http, timeout: entry.policy.settings.attemptTimeout)
            }
            entry.record(success: true)
            try await store.markDelivered(delivery.id, response: entry.provider.record(reply))
        } catch let error as ProviderCallError {
            entry.record(success: false)
            let refund: Bool
            if case .circuitOpen = error { refund = true } else { refund = false }
            let status = !error.isRetryableLater ? "failed" : (attempts >= maxAttempts && !refund ? "dead" : "queued")
            let delay = refund ? .seconds(1) : Backoff(base: retryBase, cap: .seconds(300)).delay(attempt: attempts - 1)
            try await store.markFailed(
                delivery.id,
                status: status,
                error: error.description,
                retryAt: Date().addingTimeInterval(delay.seconds),
                refund: refund
            )
            if status == "dead" {
                logger.warning("delivery is dead", metadata: ["delivery_id": "\(delivery.id)", "provider": "\(providerName)", "error": "\(error)"])
            }
        }
        return true
    }
}

/// The providers, each with its policy and recent outcome counts (for `GET /v1/providers`).
final class ProviderRegistry: Sendable {
    final class Entry: Sendable {
        let provider: any Provider
        let policy: ResiliencePolicy
        let counts = NIOLockedValueBox((successes: 0, failures: 0))

        init(provider: any Provider, policy: ResiliencePolicy) {
            self.provider = provider
            self.policy = policy
        }

        func record(success: Bool) {
            counts.withLockedValue { counts in
                if success {
                    counts.successes += 1
                } else {
                    counts.failures += 1
                }
            }
        }
    }

    let entries: [Entry]

    init(providers: [any Provider], config: Config, metrics: ServiceMetrics) throws {
        precondition(providers.map(\.name) == IntegrationsRoutes.DeliveryRequest.providers, "the request schema must list exactly the providers")
        entries = try providers.map { provider in
            Entry(
                provider: provider,
                policy: ResiliencePolicy(
                    provider: provider.name,
                    settings: try ResilienceSettings(provider: provider.name, config: config),
                    metrics: metrics
                )
            )
        }
    }

    /// The longest total budget of any provider's policy.
    var longestBudget: Duration {
        entries.map(\.policy.settings.totalBudget).max() ?? .seconds(10)
    }

    func entry(_ name: String) -> Entry? {
        entries.first { $0.provider.name == name }
    }
}
