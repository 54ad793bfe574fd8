import HTTPTypes
import Reception

/// Who a staff request acts as and in which business: decided once, by `StaffAPIMiddleware`,
/// from the credentials the request proved, never from anything in its body.
struct StaffAccess: Sendable {
    let runtime: BusinessRuntime
    let member: StaffMember

    var desk: FrontDesk { runtime.desk }
    var actor: FrontDeskActor { .staff(member) }
}

extension FrontDeskRequestContext {
    /// The staff access `StaffAPIMiddleware` established; routes behind it always have one.
    func requireStaff() throws -> StaffAccess {
        guard let staff else {
            throw OpenAIHTTPError(status: .unauthorized, message: "This endpoint needs a staff API key.", type: "invalid_request_error",
                                  code: "invalid_api_key")
        }
        return staff
    }
}
