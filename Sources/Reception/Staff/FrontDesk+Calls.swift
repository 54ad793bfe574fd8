import Foundation

extension FrontDesk {
    /// The telephony provider says a call ended: recorded once with its `call.ended` event.
    /// `ids` are the conversation keys it may be on file under, most likely first.
    @discardableResult
    public func endCall(
        ids: [String], caller: String?, calledNumber: String?, durationSeconds: Int?, reason: String?, endedAt: Date, for actor: FrontDeskActor
    ) async throws(FrontDeskError) -> Bool {
        try requireStaff(actor)
        return try await attempt {
            try await store.endCall(ids: ids, caller: caller, calledNumber: calledNumber, durationSeconds: durationSeconds, reason: reason,
                                    endedAt: endedAt)
        }
    }
}
