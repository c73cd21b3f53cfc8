/// A CIDR block such as `10.0.0.0/8` or `fc00::/7`; a bare address is a block of one.
public struct AddressBlock: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let network = IPAddress(String(first)) else { return nil }
        let maximum = network.bytes.count * 8
        if parts.count == 2 {
            guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
            self.prefixLength = length
        } else {
            self.prefixLength = maximum
        }
        self.network = network
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (have, want) in zip(address.bytes, network.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if have & mask != want & mask { return false }
            remaining -= bits
        }
        return true
    }

    public var description: String { "\(network)/\(prefixLength)" }

    /// Where a request taken from a client must not go, each with the reason given when refused.
    static let nonPublic: [(block: AddressBlock, kind: String)] = {
        let table: [(String, String)] = [
            ("0.0.0.0/8", "an unspecified (this-network) address"),
            ("10.0.0.0/8", "a private (RFC 1918) address"),
            ("100.64.0.0/10", "a carrier-grade NAT (RFC 6598) address"),
            ("127.0.0.0/8", "a loopback address"),
            ("169.254.0.0/16", "a link-local address (cloud metadata lives here)"),
            ("172.16.0.0/12", "a private (RFC 1918) address"),
            ("192.0.0.0/24", "an IETF protocol assignment address"),
            ("192.168.0.0/16", "a private (RFC 1918) address"),
            ("198.18.0.0/15", "a benchmarking address"),
            ("224.0.0.0/4", "a multicast address"),
            ("240.0.0.0/4", "a reserved or broadcast address"),
            ("::/128", "an unspecified address"),
            ("::1/128", "a loopback address"),
            ("fc00::/7", "a unique local (ULA) address"),
            ("fe80::/10", "a link-local address"),
            ("fec0::/10", "a site-local address"),
            ("ff00::/8", "a multicast address"),
        ]
        return table.compactMap { text, kind in AddressBlock(text).map { (block: $0, kind: kind) } }
    }()
}
