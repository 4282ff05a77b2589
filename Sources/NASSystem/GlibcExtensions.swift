import Glibc

/// GNU extensions of glibc that Swift's Glibc module does not import (they sit behind
/// `_GNU_SOURCE`), resolved once at run time with `dlsym`; `nil` when this libc lacks them.
///
/// `@unchecked Sendable`: the stored C function pointers are immutable after initialisation.
struct GlibcExtensions: @unchecked Sendable {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32
    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    typealias Accept4 =
        @convention(c) (
            Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32
        ) -> Int32

    /// `accept4(2)` (glibc 2.10).
    let accept4: Accept4?
    /// `pipe2(2)` (glibc 2.9).
    let pipe2: Pipe2?
    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29).
    let addChdir: AddChdir?
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34).
    let addClosefrom: AddClosefrom?

    static let shared = GlibcExtensions()

    private init() {
        let handle = dlopen(nil, RTLD_NOW)
        func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
            guard let handle, let address = dlsym(handle, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }
        accept4 = symbol("accept4", as: Accept4.self)
        pipe2 = symbol("pipe2", as: Pipe2.self)
        addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
        addClosefrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)
    }
}
