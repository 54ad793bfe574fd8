import CCurl

/// libcurl's process-wide initialisation, done exactly once before the first handle.
/// (`curl_global_init` is not safe to race; a Swift global `let` is initialised once, atomically.)
enum CurlGlobal {
    static let isInitialized: Bool = curl_global_init(fd_global_default()) == CURLE_OK
}
