import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders console pages from the Mustache templates shipped as resources. Mustache escapes
/// every `{{value}}`, so whatever a caller said or a model wrote is shown as text; templates
/// never use triple braces. Every page goes out with a Content-Security-Policy that forbids
/// inline script, so even a missed escape could not run.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// Where the console's templates and static files are among the module's resources.
    static let resourceDirectory: String = ModuleResources.directory("console")

    /// Reads every `.mustache` file of the templates folder (named by file name). Synchronous:
    /// it runs once, while the service is built.
    static func load() throws -> ConsoleRenderer {
        let directory = URL(fileURLWithPath: resourceDirectory).appendingPathComponent("templates")
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        return ConsoleRenderer(library: library)
    }

    /// An HTML page from `template` with `data`; the security headers on every console answer.
    func page(_ template: String, _ data: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(data, withTemplate: template) ?? "<!doctype html><title>Error</title><p>Template \(template) is missing.</p>"
        return Response(status: status, headers: Self.headers(contentType: "text/html; charset=utf-8"),
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func headers(contentType: String) -> HTTPFields {
        [
            .contentType: contentType, .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
            HTTPField.Name("X-Frame-Options")!: "DENY",
        ]
    }

    /// A form without this session's CSRF token: refused before anything is read or changed.
    static func forbidden() -> Response {
        Response(status: .forbidden, headers: headers(contentType: "text/plain; charset=utf-8"),
                 body: .init(byteBuffer: ByteBuffer(string: "This form has expired or did not come from this console. Go back, reload the page and try again.")))
    }

    static func redirect(to location: String) -> Response {
        var headers = headers(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
