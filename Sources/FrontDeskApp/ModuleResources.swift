import Foundation

/// Where this module's resources (`Sources/FrontDeskApp/Resources`, copied whole) are at run
/// time. Foundation's `resourceURL` differs between platforms (the bundle itself on Linux, its
/// `Contents/Resources` on macOS), so each candidate is tried.
enum ModuleResources {
    static func directory(_ name: String) -> String {
        let bundle = Bundle.module
        let candidates = [bundle.resourceURL, bundle.bundleURL].compactMap { $0 }.flatMap { base in
            [base.appendingPathComponent("Resources").appendingPathComponent(name), base.appendingPathComponent(name)]
        }
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.path) } ?? candidates[0]
        return found.path
    }

    static func file(_ name: String) -> Data? {
        FileManager.default.contents(atPath: directory(name))
    }
}
