import Foundation

/// PDFs for the extraction and rag tests, none committed: a real 26-page manual from a Debian
/// package (checked against its SHA-256), and files made from it or from scratch by Debian
/// tools (qpdf, img2pdf) that each break one thing.
public enum PDFFixtures {
    /// The CamlIDL user's manual (pdfTeX, 26 A4 pages) from Debian's `camlidl-doc` 1.04-5.
    static let manualPackage = "camlidl-doc=1.04-5"
    static let manualPath = "usr/share/doc/camlidl/camlidl-1.04.doc.pdf"
    static let manualSHA256 = "29df28a0ebbf3677ccc1b20ff36cf66a0a2b32ca61525f48df6da7f31c600e6f"

    /// Fetched once per checkout into `.run/fixtures` (git-ignored), verified on every use.
    static let folder: URL = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".run/fixtures/document-text", isDirectory: true)
    }()

    // Each fixture is made once per process (static lets initialise exactly once), as tests run in parallel.
    private static let manualResult = once { try fetchManual() }
    private static let encryptedResult = once {
        try derived("encrypted.pdf") { output in
            try run("qpdf", "--encrypt", "user-secret", "owner-secret", "256", "--", try manualFile().path, output.path, in: folder)
        }
    }
    private static let zeroPagesResult = once {
        try derived("zero-pages.pdf") { output in try run("qpdf", "--empty", output.path, in: folder) }
    }
    private static let imageOnlyResult = once {
        try derived("image-only.pdf") { output in
            let png = folder.appendingPathComponent("gray.png")
            try run("python3", "-c", pngScript, png.path, in: folder)
            try run("img2pdf", png.path, "-o", output.path, in: folder)
        }
    }

    public static func manual() throws -> [UInt8] { try manualResult.get() }
    /// The manual encrypted by qpdf with a user password (AES-256).
    public static func encryptedManual() throws -> [UInt8] { try encryptedResult.get() }
    /// A PDF with no pages at all, as qpdf writes one.
    public static func zeroPages() throws -> [UInt8] { try zeroPagesResult.get() }
    /// A one-page PDF holding only an image (a scan without OCR), from img2pdf.
    public static func imageOnly() throws -> [UInt8] { try imageOnlyResult.get() }
    /// The manual's first pages only, cut mid-file: a download that broke off.
    public static func truncatedManual() throws -> [UInt8] { Array(try manual().prefix(60_000)) }
    /// Chapter 6 of the same manual ("Hints on writing IDL files") as the package's HTML.
    public static func htmlChapter() throws -> [UInt8] {
        _ = try manual()
        return Array(try Data(contentsOf: folder.appendingPathComponent(manualHTMLChapterPath)))
    }
    static let manualHTMLChapterPath = "usr/share/doc/camlidl/html/main006.html"

    private static func once(_ make: () throws -> [UInt8]) -> Result<[UInt8], FixtureError> {
        do {
            return .success(try make())
        } catch let error as FixtureError {
            return .failure(error)
        } catch {
            return .failure(FixtureError(message: "\(error)"))
        }
    }

    private static func fetchManual() throws -> [UInt8] {
        let pdf = folder.appendingPathComponent(manualPath)
        if !FileManager.default.fileExists(atPath: pdf.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try run("apt-get", "download", manualPackage, in: folder)
            let deb = try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix("camlidl-doc_") && $0.hasSuffix(".deb") }
            guard let deb else { throw FixtureError(message: "apt-get download \(manualPackage) left no .deb") }
            try run("dpkg-deb", "-x", deb, ".", in: folder)
        }
        let sum = try run("sha256sum", pdf.path, in: folder).prefix(64)
        guard sum == manualSHA256 else { throw FixtureError(message: "\(pdf.path) has SHA-256 \(sum), expected \(manualSHA256)") }
        return Array(try Data(contentsOf: pdf))
    }

    /// A 64×64 grey PNG written with the standard library only.
    static let pngScript = """
        import struct, sys, zlib
        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        rows = b"".join(b"\\x00" + bytes([128] * 64) for _ in range(64))
        png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
        open(sys.argv[1], "wb").write(png)
        """

    private static func manualFile() throws -> URL {
        _ = try manual()
        return folder.appendingPathComponent(manualPath)
    }

    /// Made afresh in every run, so a fixture always comes from the tools installed now.
    private static func derived(_ name: String, make: (URL) throws -> Void) throws -> [UInt8] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let output = folder.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: output)
        try make(output)
        return Array(try Data(contentsOf: output))
    }

    @discardableResult
    static func run(_ arguments: String..., in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError(
                message:
                    "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(errorText.suffix(500)) (apt-get download needs `apt-get update` once; qpdf and img2pdf come from ops/lib/common.sh's APT_PACKAGES)"
            )
        }
        return text
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
