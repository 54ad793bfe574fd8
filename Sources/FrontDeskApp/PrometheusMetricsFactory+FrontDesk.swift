import Prometheus

extension PrometheusMetricsFactory {
    /// The factory `frontdesk serve` bootstraps: swift-prometheus's default duration buckets
    /// start at 5 ms, too coarse for what FrontDesk measures in microseconds (its own overhead,
    /// a tool, a booking), so those histograms get finer ones.
    public static func frontDesk(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        let fine: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(150), .microseconds(200), .microseconds(250),
            .microseconds(300), .microseconds(400), .microseconds(500), .microseconds(750), .milliseconds(1),
            .microseconds(1500), .milliseconds(2), .milliseconds(3), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        let upstream: [Duration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        ]
        factory.durationHistogramBuckets = [
            "frontdesk_overhead_seconds": fine,
            "frontdesk_tool_duration_seconds": fine,
            "frontdesk_availability_search_seconds": fine,
            "frontdesk_booking_transaction_seconds": fine,
            "frontdesk_upstream_first_byte_seconds": upstream,
            "frontdesk_upstream_first_token_seconds": upstream,
            "frontdesk_webhook_delivery_seconds": upstream,
        ]
        factory.valueHistogramBuckets = ["frontdesk_tool_rounds": [0, 1, 2, 3, 4, 5, 6, 8, 10]]
        return factory
    }
}
