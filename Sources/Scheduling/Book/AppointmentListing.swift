import Foundation

/// One row of the staff view of the book, names resolved.
public struct AppointmentListing: Sendable, Equatable {
    public var id: Int64
    public var start: Date
    public var end: Date
    public var status: Appointment.Status
    public var providerName: String
    public var serviceName: String
    public var locationName: String
    public var patientName: String
    public var patientPhone: String?
    public var notes: String?
}

/// Renders listings as an aligned plain-text table in business-local time (for the CLI).
public enum AppointmentTable {
    public static func render(_ rows: [AppointmentListing], clock: ZonedClock) -> String {
        let header = ["ID", "DATE", "TIME", "PATIENT", "PHONE", "PROVIDER", "SERVICE", "LOCATION", "STATUS"]
        let body = rows.map { row -> [String] in
            let start = clock.local(row.start), end = clock.local(row.end)
            return ["\(row.id)", "\(start.date.weekday.displayName.prefix(3)) \(start.date)",
                    "\(LocalTime.string(start.minutes))–\(LocalTime.string(end.minutes))", row.patientName, row.patientPhone ?? "",
                    row.providerName, row.serviceName, row.locationName, row.status.rawValue]
        }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + body).map { cells in
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        let zone = clock.timeZone.identifier
        return (lines + ["\(rows.count) appointment\(rows.count == 1 ? "" : "s"), times in \(zone)"]).joined(separator: "\n")
    }
}
