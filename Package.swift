// swift-tools-version:6.2
import PackageDescription

/// The six services of the assistant backend, in port order (8001–8006).
/// Each is an executable of the same name over a library target `<Name>Service`
/// that holds its routes, so tests import exactly what runs.
let services: [(executable: String, library: String)] = [
    ("ingestion", "IngestionService"),
    ("asr", "ASRService"),
    ("nlu", "NLUService"),
    ("rag", "RAGService"),
    ("agent", "AgentService"),
    ("integrations", "IntegrationsService"),
]

let package = Package(
    name: "assistant-suite",
    platforms: [.macOS(.v15)],
    products: [.library(name: "ServiceKit", targets: ["ServiceKit"])]
        + services.map { .executable(name: $0.executable, targets: [$0.executable]) },
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        // PDF text through Poppler's GLib API, HTML through libxml2's HTML parser (rag's extraction).
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // OpenBLAS's CBLAS, for the matrix products of the local text model.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // whisper.cpp, built from the source in its PyPI sdist by ops/models (ops/models.d/whisper-cpp)
        // into .run/whisper.cpp, whose pkg-config folder ops/ puts on PKG_CONFIG_PATH.
        .systemLibrary(name: "CWhisper", pkgConfig: "whisper"),
        // Audio files (libsndfile: WAV, FLAC, Ogg Vorbis, Opus, MP3), resampling (libsoxr), zlib.
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "ServiceKit",
            dependencies: [
                "CHiredis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Outbound HTTP (async-http-client) for the services that call other services and
        // providers, carrying the request id and trace context.
        .target(
            name: "ServiceKitHTTPClient",
            dependencies: [
                "ServiceKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Local text models shared by nlu, rag and agent (never ingestion or integrations).
        // Compiled optimised in debug builds too: unoptimised Swift runs the model's loops
        // (layer norm, attention, GELU) some 30 times slower, which tests and `ops/up` feel.
        .target(
            name: "Inference",
            dependencies: [
                "COpenBLAS", "ServiceKit", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        .testTarget(name: "InferenceTests", dependencies: ["Inference", "TestSupport"], exclude: ["Reference"]),
        // `ops/bench-embeddings`: the local embedder's throughput against this machine's sgemm ceiling.
        .executableTarget(
            name: "embeddings-bench",
            dependencies: ["Inference", "COpenBLAS"],
            path: "Benchmarks/EmbeddingsBenchmark"
        ),
        // Speech to text for asr: audio decoding, voice activity, Whisper through whisper.cpp.
        // Optimised in debug builds too, like Inference: the voice detector's FFT runs per frame.
        .target(
            name: "SpeechRecognition",
            dependencies: [
                "CWhisper", "CSndFile", "CSoxr", "CZlib", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        .testTarget(name: "SpeechRecognitionTests", dependencies: ["SpeechRecognition", "TestSupport"]),
        // What nlu understands in a text without a server: entities, sentiment, the intent classifier's math.
        // Optimised in debug builds too, like Inference: training runs k-fold gradient descent.
        .target(name: "LanguageUnderstanding", dependencies: [], swiftSettings: [.unsafeFlags(["-O"])]),
        // Documents (PDF, HTML, Markdown, plain text) read into cited text and cut into chunks, for rag.
        .target(name: "DocumentText", dependencies: ["CPoppler", "CLibXML2", .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(name: "DocumentTextTests", dependencies: ["DocumentText", "TestSupport"]),
        // A server built from ServiceKit alone, with routes that only tests need
        // (a deliberately slow one), so lifecycle tests drive a real process.
        .executableTarget(
            name: "servicekit-fixture",
            dependencies: ["ServiceKit", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/ServiceKitFixture"
        ),
        // `ops/bench-integrations`: the resilience policy's cost per call against direct calls.
        .executableTarget(
            name: "policy-bench",
            dependencies: [
                "ServiceKit", .target(name: "ServiceKitHTTPClient"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/PolicyBenchmark"
        ),
        // Harness shared by the test targets: running services, private Redis and Postgres servers.
        .target(
            name: "TestSupport",
            dependencies: [
                "ServiceKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", .target(name: "ServiceKitHTTPClient"), "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "LanguageUnderstandingTests", dependencies: ["LanguageUnderstanding"]),
        .testTarget(
            name: "ServicesTests",
            dependencies: services.map { .target(name: $0.library) } + [
                "ServiceKit", "TestSupport", "Inference",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ],
            // Data the tests read from their own folder, and the scripts ContractTests and APIExplorerTests run.
            exclude: ["HeldOut", "Contract", "Browser"]
        ),
    ]
        + services.flatMap { service -> [Target] in
            [
                .target(
                    name: service.library,
                    dependencies: [
                        "ServiceKit",
                        .product(name: "Hummingbird", package: "hummingbird"),
                        .product(name: "HTTPTypes", package: "swift-http-types"),
                        .product(name: "Logging", package: "swift-log"),
                        .product(name: "PostgresNIO", package: "postgres-nio"),
                        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                    ]
                        + (service.library == "IntegrationsService"
                            ? [
                                .target(name: "ServiceKitHTTPClient"),
                                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                .product(name: "Crypto", package: "swift-crypto"),
                            ] : [])
                        + (service.library == "AgentService"
                            ? [
                                .target(name: "ServiceKitHTTPClient"), .product(name: "Prometheus", package: "swift-prometheus"),
                            ] : [])
                        + (service.library == "NLUService"
                            ? [
                                .target(name: "LanguageUnderstanding"), .target(name: "Inference"),
                                .product(name: "Prometheus", package: "swift-prometheus"),
                            ] : [])
                        + (service.library == "ASRService"
                            ? [
                                .target(name: "SpeechRecognition"), .target(name: "ServiceKitHTTPClient"),
                                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                                .product(name: "NIOWebSocket", package: "swift-nio"),
                                .product(name: "Prometheus", package: "swift-prometheus"), .product(name: "NIOCore", package: "swift-nio"),
                            ] : [])
                        + (service.library == "RAGService"
                            ? [
                                .target(name: "Inference"), .target(name: "DocumentText"), .target(name: "ServiceKitHTTPClient"),
                                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Crypto", package: "swift-crypto"),
                                .product(name: "Prometheus", package: "swift-prometheus"),
                            ] : []),
                    resources: service.library == "NLUService" ? [.copy("DefaultModel")] : nil
                ),
                .executableTarget(
                    name: service.executable,
                    dependencies: [.target(name: service.library), "ServiceKit"]
                ),
            ]
        }
)
