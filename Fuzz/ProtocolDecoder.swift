// libFuzzer target for the worker and control protocol decoders: the bytes are a stream cut into
// frames, and each frame is decoded as every message family. Built and run by Fuzz/run.
import NASProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtocolDecoder(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    var decoder = FrameDecoder(maximumFrameSize: 64 * 1024)
    decoder.append(bytes)
    let codec = MessageCodec(maximumFrameSize: 64 * 1024)
    while let frame = try? decoder.nextFrame() {
        _ = try? codec.decode(WorkerMessage.self, from: frame)
        _ = try? codec.decode(DaemonMessage.self, from: frame)
        _ = try? codec.decode(ControlRequest.self, from: frame)
        _ = try? codec.decode(ControlResponse.self, from: frame)
    }
    // The payload alone, as a single frame's JSON.
    _ = try? codec.decode(WorkerMessage.self, payload: bytes, frameIndex: 1)
    _ = try? codec.decode(ControlRequest.self, payload: bytes, frameIndex: 1)
    return 0
}
