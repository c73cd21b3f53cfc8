import Hummingbird

/// `GET /docs`, an interactive API explorer (Swagger UI) over the service's own `/openapi.json`,
/// and `GET /docs/{asset}`, the files its page loads. Declared like every route, so the explorer
/// is in the document it shows and asks for the API key when `/openapi.json` does.
enum APIExplorerRoutes {
    /// Everything the page loads comes from this service: no CDN, no inline script. Swagger UI
    /// sets `style` attributes as it renders, hence the one `'unsafe-inline'`, for styles only.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Generated here rather than taken from the package, which points it at a demo document elsewhere.
    static let initializerName = "swagger-initializer.js"
    static let initializer = """
        window.addEventListener("load", function () {
          window.ui = SwaggerUIBundle({
            url: "/openapi.json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            // The default would send the document to an outside validator and show its badge.
            validatorUrl: null
          });
        });

        """

    static func page(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title) API</title>
        <link rel="stylesheet" href="/docs/swagger-ui.css">
        <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
        </head>
        <body>
        <div id="swagger-ui"></div>
        <script src="/docs/swagger-ui-bundle.js"></script>
        <script src="/docs/\(initializerName)"></script>
        </body>
        </html>

        """
    }

    static func add(to routes: ServiceRoutes) {
        let environment = routes.environment
        let directory = environment.settings.docsAssetsDirectory
        // Startup, not a request: reading the files here keeps the disk off the event loops.
        let assets = APIExplorerAssets(directory: directory)
        if !assets.missing.isEmpty {
            environment.logger.warning(
                "API explorer unavailable: files missing; run ops/models swagger-ui",
                metadata: ["docs_assets_dir": "\(directory)", "missing": "\(assets.missing.joined(separator: ","))"]
            )
        }
        let pageBody = ByteBuffer(string: page(title: environment.definition.name))
        let initializerBody = ByteBuffer(string: initializer)

        routes.get(
            "/docs",
            summary: "An interactive explorer (Swagger UI) of this service's OpenAPI document.",
            responses: [
                .ok: .bytes(["text/html"], "The explorer's HTML page."),
                .serviceUnavailable: "The explorer's files are not installed (ops/models swagger-ui).",
            ]
        ) { _, _ in
            guard assets.missing.isEmpty else { throw HTTPError(.serviceUnavailable, message: APIExplorerAssets.setupStep) }
            return response(contentType: "text/html; charset=utf-8", body: pageBody)
        }
        routes.get(
            "/docs/{asset}",
            summary: "A file the explorer's page loads: its script, style sheet, icon, initializer or licence.",
            responses: [
                .ok: .bytes(APIExplorerAssets.mediaTypes, "The file."), .notFound: "Not one of the explorer's files.",
                .serviceUnavailable: "The explorer's files are not installed (ops/models swagger-ui).",
            ]
        ) { _, context in
            let name = context.parameters.get("asset") ?? ""
            if name == initializerName {
                return response(contentType: "text/javascript; charset=utf-8", body: initializerBody)
            }
            guard APIExplorerAssets.allowList[name] != nil else { throw HTTPError(.notFound, message: "Not one of the API explorer's files.") }
            guard let file = assets.files[name] else { throw HTTPError(.serviceUnavailable, message: APIExplorerAssets.setupStep) }
            return response(contentType: file.contentType, body: file.bytes)
        }
    }

    private static func response(contentType: String, body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .contentSecurityPolicy: contentSecurityPolicy], body: .init(byteBuffer: body))
    }
}
