import Foundation
import Upstream

/// Where the API and the console let a webhook point: public http(s) addresses only (a
/// private one needs the server's shell: `frontdesk webhook add --allow-private`).
enum WebhookURL {
    /// Why `url` is refused, or nil. Resolves the name, off the cooperative pool.
    static func refusal(_ url: String, executor: any TaskExecutor) async -> String? {
        await withTaskExecutorPreference(executor) { () -> String? in
            do throws(OutboundURLPolicy.Refusal) {
                try OutboundURLPolicy.check(url, allowPrivate: false)
                return nil
            } catch {
                return error.description.replacingOccurrences(of: "; pass --allow-private to allow it", with: "")
            }
        }
    }
}
