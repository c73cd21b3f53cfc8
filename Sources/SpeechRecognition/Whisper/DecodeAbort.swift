import Synchronization

/// A flag whisper.cpp polls before each computation step; once set, the decode stops at the
/// next step and its thread is free again.
final class DecodeAbort: Sendable {
    private let requested = Atomic<Bool>(false)

    var isRequested: Bool { requested.load(ordering: .relaxed) }

    func request() {
        requested.store(true, ordering: .relaxed)
    }
}

/// The decode was stopped through its ``DecodeAbort`` (the caller cancelled it).
struct DecodeAborted: Error {}
