import Foundation

/// Renders listings as an aligned plain-text table in business-local time (for the CLI).
public enum AppointmentTable {
    public static func render(_ rows: [AppointmentListing], clock: ZonedClock) -> String {
        let header = ["ID", "DATE", "TIME", "PATIENT", "PHONE", "PROVIDER", "SERVICE", "LOCATION", "STATUS"]
        let body = rows.map { row -> [String] in
            let start = clock.local(row.start), end = clock.local(row.end)
            return ["\(row.id)", "\(start.date.weekday.displayName.prefix(3)) \(start.date)",
                    "\(MinuteOfDay.string(start.minutes))–\(MinuteOfDay.string(end.minutes))", row.patientName, row.patientPhone ?? "",
                    row.providerName, row.serviceName, row.locationName, row.status.rawValue]
        }
        let lines = TextTable.lines(header: header, rows: body)
        let zone = clock.timeZone.identifier
        return (lines + ["\(rows.count) appointment\(rows.count == 1 ? "" : "s"), times in \(zone)"]).joined(separator: "\n")
    }
}
