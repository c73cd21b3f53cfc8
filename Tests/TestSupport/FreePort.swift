import Foundation
import Synchronization

/// A loopback TCP port nothing listens on right now, for a server a test starts later.
///
/// Chosen below the kernel's ephemeral range (32768 and up by default): the in-process services
/// (which bind port 0) and every outgoing connection take their ports from that range, and one
/// of them landing on a port picked here before its server started would put a stranger there.
///
/// Tests run in parallel and start their servers a while after picking a port, so a port is
/// handed out once per process: two picks at random would meet often enough to fail a run.
public func freePort() throws -> Int {
    for _ in 0..<PortSequence.range.count {
        let port = PortSequence.next()
        if canBind(port: port) { return port }
    }
    throw POSIXError(.EADDRINUSE)
}

/// Ports in turn from a random start, so that the suite's processes (one `swift test` after
/// another, and the servers they leave in TIME_WAIT) rarely begin at the same place.
private enum PortSequence {
    static let range = 20_000..<32_000
    private static let offset = Mutex(Int.random(in: 0..<range.count))

    static func next() -> Int {
        offset.withLock { offset in
            defer { offset = (offset + 1) % range.count }
            return range.lowerBound + offset
        }
    }
}

func canBind(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}
