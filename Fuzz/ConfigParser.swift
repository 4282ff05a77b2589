// libFuzzer target for the configuration reader: bytes → text → YAML → typed configuration.
// Built and run by Fuzz/run (docs/RELIABILITY.md, "Hostile input"); not part of the package.
import NASConfig

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        let text = try ConfigurationText.decode(bytes, file: "fuzz.yaml")
        _ = try RunConfiguration(yaml: text, file: "fuzz.yaml")
    } catch {
        // A located ConfigError is the expected answer to most inputs; it must carry a position.
        precondition(error.line >= 1 && error.column >= 1 && !error.message.isEmpty, "\(error)")
    }
    return 0
}
