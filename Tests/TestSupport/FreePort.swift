import Foundation

/// A loopback TCP port nothing listens on right now, for a server a test starts later.
///
/// Chosen below the kernel's ephemeral range (32768 and up by default): the in-process services
/// (which bind port 0) and every outgoing connection take their ports from that range, and one
/// of them landing on a port picked here before its server started would put a stranger there.
public func freePort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<32_000)
        if canBind(port: port) { return port }
    }
    throw POSIXError(.EADDRINUSE)
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
