import CPoppler

/// Poppler reports every syntax problem of a damaged file through GLib's log (domain
/// `Poppler`); without a handler GLib would write them to stderr, one line per problem,
/// from whichever thread parses. The reader reports the outcome as a typed error instead,
/// so these messages are dropped (criticals and errors still reach GLib's default handler).
enum PopplerDiagnostics {
    private static let routed: Void = {
        _ = g_log_set_handler(
            "Poppler",
            GLogLevelFlags(
                rawValue: G_LOG_LEVEL_WARNING.rawValue | G_LOG_LEVEL_MESSAGE.rawValue | G_LOG_LEVEL_INFO.rawValue | G_LOG_LEVEL_DEBUG.rawValue
            ),
            { _, _, _, _ in },
            nil
        )
    }()

    static func routeOnce() { _ = routed }
}
