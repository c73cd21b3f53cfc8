import Foundation
import Logging

/// A swift-log backend writing one JSON object per line:
/// `ts`, `level`, `service`, `request_id`, `trace_id`, `msg`, then the metadata as further fields.
///
/// Every string passes through ``LogRedactor``; values under secret-looking keys are masked whole.
/// The request id comes from the metadata or, failing that, from the task-local ``RequestID/current``.
public struct JSONLogHandler: LogHandler {
    public typealias Sink = @Sendable (String) -> Void

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let service: String
    private let sink: Sink

    /// Keys the handler writes itself; metadata cannot overwrite them.
    private static let reservedKeys: Set<String> = ["ts", "level", "service", "request_id", "trace_id", "msg", "logger"]
    /// Hummingbird's own request-id key, folded into `request_id`.
    static let hummingbirdRequestIDKey = "hb.request.id"

    public init(service: String, level: Logger.Level = .info, sink: @escaping Sink = JSONLogHandler.standardOutput) {
        self.service = service
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }

        let requestID =
            merged.removeValue(forKey: "request_id").map { "\($0)" }
            ?? merged.removeValue(forKey: Self.hummingbirdRequestIDKey).map { "\($0)" }
            ?? RequestID.current
        merged.removeValue(forKey: Self.hummingbirdRequestIDKey)

        var line = "{\"ts\":"
        JSONText.appendString(Self.timestamp(), to: &line)
        line += ",\"level\":"
        JSONText.appendString(event.level.rawValue, to: &line)
        line += ",\"service\":"
        JSONText.appendString(service, to: &line)
        if let requestID {
            line += ",\"request_id\":"
            JSONText.appendString(requestID, to: &line)
        }
        if let trace = TraceContext.current {
            line += ",\"trace_id\":"
            JSONText.appendString(trace.traceID, to: &line)
        }
        line += ",\"msg\":"
        JSONText.appendString(LogRedactor.redact(event.message.description), to: &line)
        for key in merged.keys.sorted() where !Self.reservedKeys.contains(key) {
            line += ","
            JSONText.appendString(key, to: &line)
            line += ":"
            if LogRedactor.isSecretKey(key) {
                JSONText.appendString(LogRedactor.secretMask, to: &line)
            } else {
                Self.append(merged[key]!, to: &line)
            }
        }
        line += "}\n"
        sink(line)
    }

    private static func append(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case .string(let string):
            JSONText.appendString(LogRedactor.redact(string), to: &line)
        case .stringConvertible(let convertible):
            switch convertible {
            case let bool as Bool: line += bool ? "true" : "false"
            case let integer as any BinaryInteger: line += "\(integer)"
            case let double as Double where double.isFinite: line += "\(double)"
            default: JSONText.appendString(LogRedactor.redact(convertible.description), to: &line)
            }
        case .array(let values):
            line += "["
            for (index, element) in values.enumerated() {
                if index > 0 { line += "," }
                append(element, to: &line)
            }
            line += "]"
        case .dictionary(let dictionary):
            line += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                JSONText.appendString(key, to: &line)
                line += ":"
                if LogRedactor.isSecretKey(key) {
                    JSONText.appendString(LogRedactor.secretMask, to: &line)
                } else {
                    append(dictionary[key]!, to: &line)
                }
            }
            line += "}"
        }
    }

    /// RFC 3339 UTC time with milliseconds.
    static func timestamp(_ date: Date = Date()) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let milliseconds = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }

    /// Writes whole lines to standard output; a lock keeps concurrent lines from interleaving.
    public static let standardOutput: Sink = { line in
        StandardOutput.write(line)
    }
}

private enum StandardOutput {
    private static let lock = NSLock()

    static func write(_ line: String) {
        var line = line
        lock.withLock {
            line.withUTF8 { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
