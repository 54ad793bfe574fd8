/// A request that is not a valid chat completion request: rendered as a 400
/// `invalid_request_error` whose `param` names the offending field (`messages[2].role`).
public struct RequestValidationError: Error, Sendable, Equatable {
    public let message: String
    public let param: String?

    public init(_ message: String, param: String?) {
        self.message = message
        self.param = param
    }
}
