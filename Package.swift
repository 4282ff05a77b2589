// swift-tools-version:6.0
import PackageDescription

/// nasd: a neural-architecture-search orchestration daemon.
///
/// Layering (see docs/architecture.md): the pure core (`NASCore`, `NASNumerics`, `NASSearch`,
/// `NASConfig`, `NASProtocol`) never touches files, sockets, clocks or global randomness;
/// `NASSystem` and `NASStore` own every system call and every `sqlite3_*` call; `NASDaemon` and
/// `NASWorker` compose them; `nasd` is a thin executable.
///
/// Linux only: the system layer calls Glibc directly (process groups, `accept4`, `CLOCK_MONOTONIC`,
/// `posix_spawn` file actions), so no other platform is declared.
let package = Package(
    name: "nasd",
    products: [
        .executable(name: "nasd", targets: ["nasd"]),
        .executable(name: "nasd-bench", targets: ["nasd-bench"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "NASCore"),
        .target(name: "NASNumerics"),
        .target(name: "NASTestSupport", dependencies: ["NASCore"]),  // imports XCTest: linked into test targets only
        .target(name: "NASSearch", dependencies: ["NASCore", "NASNumerics"]),
        .target(name: "NASConfig", dependencies: ["NASCore"]),
        .target(name: "NASProtocol", dependencies: ["NASCore"]),
        .target(name: "NASSystem", dependencies: ["NASProtocol"]),
        .target(name: "NASStore", dependencies: ["CSQLite", "NASCore"]),
        .target(name: "NASWorker", dependencies: ["NASCore", "NASProtocol", "NASSystem"]),
        .target(
            name: "NASDaemon",
            dependencies: [
                "NASCore", "NASNumerics", "NASSearch", "NASConfig", "NASProtocol", "NASSystem", "NASStore", "NASWorker",
            ]
        ),
        .executableTarget(
            name: "nasd",
            dependencies: [
                "NASCore", "NASNumerics", "NASSearch", "NASConfig", "NASProtocol", "NASSystem", "NASStore", "NASWorker",
                "NASDaemon",
            ]
        ),
        // Measurements that need an in-process daemon with fakes installed (`make bench`).
        .executableTarget(
            name: "nasd-bench",
            dependencies: [
                "NASCore", "NASNumerics", "NASSearch", "NASConfig", "NASProtocol", "NASSystem", "NASStore", "NASDaemon",
            ]
        ),
        .testTarget(name: "NASCoreTests", dependencies: ["NASTestSupport", "NASCore"]),
        .testTarget(
            name: "NASNumericsTests", dependencies: ["NASTestSupport", "NASNumerics"],
            exclude: ["Fixtures"]  // reference data and its script, read from the source tree
        ),
        .testTarget(name: "NASSearchTests", dependencies: ["NASTestSupport", "NASSearch", "NASCore", "NASNumerics"]),
        .testTarget(name: "NASConfigTests", dependencies: ["NASTestSupport", "NASConfig", "NASCore"]),
        .testTarget(name: "NASProtocolTests", dependencies: ["NASTestSupport", "NASProtocol", "NASCore"]),
        .testTarget(name: "NASSystemTests", dependencies: ["NASTestSupport", "NASSystem", "NASProtocol"]),
        .testTarget(name: "NASStoreTests", dependencies: ["NASTestSupport", "NASStore", "NASCore"]),
        .testTarget(
            name: "NASWorkerTests",
            dependencies: ["NASTestSupport", "NASWorker", "NASCore", "NASProtocol", "NASSystem"]),
        .testTarget(
            name: "NASDaemonTests",
            dependencies: [
                "CSQLite", "NASTestSupport", "NASDaemon", "NASCore", "NASSearch", "NASConfig", "NASProtocol",
                "NASSystem", "NASStore", "NASWorker",
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["NASTestSupport", "NASSystem", "NASCore", "NASProtocol"]),
    ],
    swiftLanguageModes: [.v6]
)
