import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides whether a URL taken from a request (a webhook target) may be called: its host is
/// resolved and refused when any of its addresses is loopback, private (RFC 1918), CGNAT,
/// link-local (cloud metadata at 169.254.169.254 included), unique-local, multicast,
/// unspecified or reserved, IPv4-mapped, -compatible and NAT64 IPv6 forms included, unless
/// the host name or a block holding the address is on the allow-list. The checked address is
/// what ``PinnedHTTP`` connects to, so a second DNS answer cannot redirect the call.
public struct OutboundTargetGuard: Sendable {
    /// A URL whose host was resolved and allowed, with the address to connect to.
    public struct Target: Sendable {
        public let url: String
        /// The URL's host as async-http-client reads it (IPv6 brackets off, case and a trailing
        /// dot kept): the name its DNS override must match for the call to go to `address`.
        public let host: String
        public let address: IPAddress
    }

    public enum Verdict: Sendable {
        case allowed(Target)
        /// Never to be called; the reason names the address and why.
        case refused(String)
        /// The host did not resolve (now); a later try may succeed.
        case unresolved(String)
    }

    /// An allow-list entry that is neither a host name nor an address or CIDR block.
    public struct InvalidEntry: Error, CustomStringConvertible {
        public let entry: String
        public var description: String { "\"\(entry)\" is neither a host name nor an address or CIDR block" }
    }

    let allowedHosts: Set<String>
    let allowedBlocks: [AddressBlock]

    /// `allowList` entries are host names (matched exactly, case-insensitively), addresses or CIDR blocks.
    public init(allowList: [String]) throws(InvalidEntry) {
        var hosts = Set<String>()
        var blocks: [AddressBlock] = []
        for entry in allowList {
            if let block = AddressBlock(entry) {
                blocks.append(block)
            } else if !entry.contains("/"), !entry.isEmpty, entry.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) {
                hosts.insert(Self.normalised(entry))
            } else {
                throw InvalidEntry(entry: entry)
            }
        }
        self.allowedHosts = hosts
        self.allowedBlocks = blocks
    }

    public func check(_ url: String) async -> Verdict {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), let rawHost = parsed.host,
            !rawHost.isEmpty
        else {
            return .refused("must be an http(s) URL")
        }
        let host = Self.normalised(rawHost)
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await Self.resolve(host)
            } catch {
                return .unresolved("\(host) does not resolve: \(error)")
            }
        }
        // IPv4 first: many hosts (and containers) have no IPv6 route although names resolve to both.
        guard let first = addresses.first(where: \.isIPv4) ?? addresses.first else { return .unresolved("\(host) has no address") }
        if !allowedHosts.contains(host) {
            for address in addresses {
                if let kind = refusal(of: address) {
                    return .refused(IPAddress(host) == nil ? "\(host) resolves to \(address), \(kind)" : "\(address) is \(kind)")
                }
            }
        }
        let clientHost = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        return .allowed(Target(url: url, host: clientHost, address: first))
    }

    /// Why `address` is refused, or nil when it may be called.
    func refusal(of address: IPAddress) -> String? {
        if allowedBlocks.contains(where: { $0.contains(address) }) { return nil }
        if let kind = AddressBlock.nonPublic.first(where: { $0.block.contains(address) })?.kind { return kind }
        if let embedded = address.embeddedIPv4 {
            if allowedBlocks.contains(where: { $0.contains(embedded) }) { return nil }
            if let kind = AddressBlock.nonPublic.first(where: { $0.block.contains(embedded) })?.kind { return "an IPv6 form of \(embedded), \(kind)" }
        }
        return nil
    }

    private static func normalised(_ host: String) -> String {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix("."), host.count > 1 { host.removeLast() }
        return host
    }

    struct ResolutionError: Error, CustomStringConvertible {
        let description: String
    }

    /// The host's addresses from the system resolver, asked on NIO's blocking-I/O pool so
    /// that neither an event loop nor the cooperative pool waits on DNS.
    static func resolve(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            #else
            hints.ai_socktype = SOCK_STREAM
            #endif
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let list else {
                throw ResolutionError(description: String(cString: gai_strerror(status)))
            }
            defer { freeaddrinfo(list) }
            var addresses: [IPAddress] = []
            var node: UnsafeMutablePointer<addrinfo>? = list
            while let current = node {
                if let socketAddress = current.pointee.ai_addr {
                    switch current.pointee.ai_family {
                    case AF_INET:
                        var address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
                    case AF_INET6:
                        var address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &address) { Array($0) }))
                    default:
                        break
                    }
                }
                node = current.pointee.ai_next
            }
            var seen = Set<IPAddress>()
            return addresses.filter { seen.insert($0).inserted }
        }
    }
}
