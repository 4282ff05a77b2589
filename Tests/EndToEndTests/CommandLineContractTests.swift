import Foundation
import XCTest

/// The command line's contract (docs/cli.md): exit statuses, error lines, offline views.
final class CommandLineContractTests: EndToEndTestCase {
    func testVersion_printsTheVersionAndExitsZero() async throws {
        let outcome = try await NASDCommand.run(["--version"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertTrue(outcome.outputText.hasPrefix("nasd "), "\(outcome)")
    }

    func testUnknownOption_exitsWithUsageStatusAndAOneLineHint() async throws {
        let outcome = try await NASDCommand.run(["status", "--frobnicate"])
        XCTAssertEqual(outcome.exitCode, 64, "\(outcome)")
        XCTAssertEqual(outcome.standardError.first, "nasd: unknown option '--frobnicate'", "\(outcome)")
        XCTAssertLessThanOrEqual(outcome.standardError.count, 2, "an error line and at most a usage line")
        XCTAssertTrue(outcome.standardOutput.isEmpty, "\(outcome)")
    }

    func testUnknownCommand_exitsWithUsageStatus() async throws {
        let outcome = try await NASDCommand.run(["frobnicate"])
        XCTAssertEqual(outcome.exitCode, 64, "\(outcome)")
        XCTAssertTrue(outcome.standardError.first?.hasPrefix("nasd: ") == true, "\(outcome)")
    }

    func testConfigCheck_reportsTheExactPositionOfEachBrokenConfiguration() async throws {
        let directory = try makeTemporaryDirectory()
        for (index, broken) in BrokenConfiguration.table.enumerated() {
            let file = try write(broken.text, to: "broken-\(index).yaml", in: directory)
            let outcome = try await NASDCommand.run(["config", "check", file.path])
            XCTAssertEqual(outcome.exitCode, 2, "\(broken.name): \(outcome)")
            XCTAssertEqual(
                outcome.standardError.first, "nasd: \(file.path):\(broken.expected)", "\(broken.name): \(outcome)")
            if let hint = broken.hint {
                XCTAssertEqual(outcome.standardError.dropFirst().first, "hint: \(hint)", "\(broken.name)")
            }
        }
    }

    func testConfigCheck_acceptsTheValidBaseConfiguration() async throws {
        let directory = try makeTemporaryDirectory()
        let file = try write(BrokenConfiguration.valid, to: "valid.yaml", in: directory)
        let outcome = try await NASDCommand.run(["config", "check", file.path])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        XCTAssertEqual(outcome.standardOutput.first, "\(file.path): ok", "\(outcome)")
    }

    func testArchInfo_countsParametersAndMultiplyAccumulatesOfAnMNISTNetwork() async throws {
        struct Info: Decodable {
            var parameters: Int
            var macs: Int
            var notation: String
        }
        let outcome = try await NASDCommand.run(["arch", "info", "[C(32,5,1), SM(10)]", "--input", "1,28,28", "--json"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let info = try outcome.decodeOutput(Info.self)
        XCTAssertEqual(info.parameters, 251_722)
        XCTAssertEqual(info.macs, 878_080)
        XCTAssertEqual(info.notation, "[C(32,5,1), SM(10)]")
    }

    /// A NAS-Bench-201 cell is counted as the benchmark counts it: the all-conv3×3 cell's ImageNet16-120
    /// network (16×16 input, 120 classes) has the table's largest parameters and FLOPs, 1.538696 and
    /// 55.03756 million; a NAS-Bench-101 cell gets its network's parameters (counted by hand here) and no
    /// FLOPs.
    func testArchInfo_ofCells_countsTheBenchmarksNetwork() async throws {
        struct Info: Decodable {
            var kind: String
            var parameters: Int
            var flops: Int?
        }
        let nb201 = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
        let outcome = try await NASDCommand.run(
            ["arch", "info", nb201, "--input", "3,16,16", "--classes", "120", "--json"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let info = try outcome.decodeOutput(Info.self)
        XCTAssertEqual(info.kind, "nb201")
        XCTAssertEqual(info.parameters, 1_538_696)
        XCTAssertEqual(info.flops, 55_037_560)
        let cell = try await NASDCommand.run(
            ["arch", "info", "input,conv3x3-bn-relu,output;0>1,1>2", "--json"])
        XCTAssertEqual(cell.exitCode, 0, "\(cell)")
        let cellInfo = try cell.decodeOutput(Info.self)
        XCTAssertEqual(cellInfo.kind, "cell")
        // Stem 3,712; per stack the 1×1 projection into the vertex, its conv3×3 and their BN; classifier 5,130.
        XCTAssertEqual(cellInfo.parameters, 10_177_674)
        XCTAssertNil(cellInfo.flops)
        let bad = try await NASDCommand.run(["arch", "info", "|nor_conv_3x3~0|+|bogus~0|"])
        XCTAssertEqual(bad.exitCode, 2, "\(bad)")
        XCTAssertTrue(bad.errorText.contains("offset 18: unknown operation \"bogus\""), "\(bad)")
    }

    /// Two numberings of one NAS-Bench-101 cell parse to one canonical form, one identity hash and one
    /// module hash; a NAS-Bench-201 string is its own canonical form and has no module hash.
    func testArchParse_ofCells_printsTheIdentityARunUses() async throws {
        struct Forms: Decodable {
            var kind: String
            var canonical: String
            var hash: String
            var moduleHash: String?

            enum CodingKeys: String, CodingKey {
                case kind, canonical, hash
                case moduleHash = "nasbench101_hash"
            }
        }
        var forms: [Forms] = []
        for notation in [
            "input,conv3x3-bn-relu,conv1x1-bn-relu,output;0>1,1>3,0>2,2>3",
            "input,conv1x1-bn-relu,conv3x3-bn-relu,output;0>1,1>3,0>2,2>3",
        ] {
            let outcome = try await NASDCommand.run(["arch", "parse", notation, "--json"])
            XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
            forms.append(try outcome.decodeOutput(Forms.self))
        }
        XCTAssertEqual(forms.map(\.kind), ["cell", "cell"])
        XCTAssertEqual(forms[0].canonical, forms[1].canonical)
        XCTAssertEqual(forms[0].hash, forms[1].hash)
        XCTAssertEqual(forms[0].moduleHash?.count, 32)
        XCTAssertEqual(forms[0].moduleHash, forms[1].moduleHash)
        let nb201 = "|nor_conv_3x3~0|+|none~0|nor_conv_1x1~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"
        let outcome = try await NASDCommand.run(["arch", "parse", nb201, "--json"])
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome)")
        let cell = try outcome.decodeOutput(Forms.self)
        XCTAssertEqual(cell.kind, "nb201")
        XCTAssertEqual(cell.canonical, nb201)
        XCTAssertNil(cell.moduleHash)
    }

    func testArchInfo_rejectsAnInvalidNetworkAsInvalidInput() async throws {
        let outcome = try await NASDCommand.run(["arch", "info", "[C(32,5,1), SM(10)"])
        XCTAssertEqual(outcome.exitCode, 2, "\(outcome)")
        XCTAssertTrue(outcome.standardError.first?.hasPrefix("nasd: ") == true, "\(outcome)")
    }

    func testStatus_withoutADaemonReadsTheEmptyStateDirectoryAndListsNoRuns() async throws {
        let state = try makeTemporaryDirectory()
        let json = try await nasd(["status", "--json"], stateDirectory: state)
        XCTAssertEqual(json.exitCode, 0, "\(json)")
        XCTAssertEqual(try json.decodeOutput([RunStatusPayload].self).count, 0)
        let text = try await nasd(["status"], stateDirectory: state)
        XCTAssertEqual(text.exitCode, 0, "\(text)")
        XCTAssertFalse(text.outputText.contains("active"), "\(text)")
    }

    func testMutatingCommands_withoutADaemonFailNamingTheStateDirectory() async throws {
        let state = try makeTemporaryDirectory()
        let configuration = try write(BrokenConfiguration.valid, to: "valid.yaml", in: state)
        for arguments in [["pause", "x"], ["stop", "x"], ["shutdown"], ["submit", configuration.path]] {
            let outcome = try await nasd(arguments, stateDirectory: state)
            XCTAssertEqual(outcome.exitCode, 1, "\(arguments): \(outcome)")
            XCTAssertEqual(outcome.standardError.count, 1, "\(arguments): \(outcome)")
            XCTAssertTrue(
                outcome.errorText.hasPrefix("nasd: no daemon is running for state directory \(state.path)"),
                "\(arguments): \(outcome)")
        }
    }
}
