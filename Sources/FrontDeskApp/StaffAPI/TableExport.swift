import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OpenAIWire
import Reception

/// Exports of a list as CSV (a header row, then one row per item) or JSON Lines (one API
/// object per line), streamed page by page so an export of a year costs no more memory than
/// one page.
struct TableExport {
    enum Format: String, CaseIterable {
        case csv, jsonl
    }

    struct Column: Sendable {
        let name: String
        /// Free text someone typed or said: guarded against spreadsheet formula injection.
        let isText: Bool
        let value: @Sendable (JSONValue) -> String?
    }

    let format: Format
    let filename: String
    let columns: [Column]

    /// The required `format` query parameter.
    static func format(_ query: QueryParameters) throws -> Format {
        guard let format = try query.oneOf("format", Format.self) else { throw QueryParameters.invalid("format", "is required: csv or jsonl") }
        return format
    }

    /// Streams every page `read` yields. The first page is read before the response starts,
    /// so a refused filter is still a 4xx.
    func response(read: @escaping @Sendable (PageCursor?) async throws -> Page<JSONValue>) async throws -> Response {
        let first = try await read(nil)
        let contentType = format == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson"
        let headers: HTTPFields = [
            .contentType: contentType, .cacheControl: "no-store",
            .contentDisposition: "attachment; filename=\"\(filename).\(format.rawValue)\"",
        ]
        let columns = self.columns, format = self.format
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var page = first
            if format == .csv { try await writer.write(ByteBuffer(string: columns.map(\.name).joined(separator: ",") + "\r\n")) }
            while true {
                var chunk = ""
                for item in page.items {
                    switch format {
                    case .csv: chunk += columns.map { Self.csvField($0.value(item), isText: $0.isText) }.joined(separator: ",") + "\r\n"
                    case .jsonl: chunk += item.jsonString + "\n"
                    }
                }
                try await writer.write(ByteBuffer(string: chunk))
                guard let cursor = page.next else { break }
                page = try await read(cursor)
            }
            try await writer.finish(nil)
        })
    }

    /// RFC 4180 quoting; free text that a spreadsheet would run as a formula gets a leading `'`.
    static func csvField(_ value: String?, isText: Bool) -> String {
        guard var value else { return "" }
        if isText, let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A column read from a JSON object by a key path ("patient.first_name").
    static func column(_ name: String, _ path: String? = nil, text: Bool = false) -> Column {
        let keys = (path ?? name).split(separator: ".").map(String.init)
        return Column(name: name, isText: text) { object in
            var value: JSONValue? = object
            for key in keys { value = value?[key] }
            switch value {
            case .string(let text)?: return text
            case .number(let literal)?: return literal
            case .bool(let flag)?: return flag ? "true" : "false"
            case .array(let items)?: return items.compactMap(\.stringValue).joined(separator: ";")
            default: return nil
            }
        }
    }
}
