import Glibc

/// The C-level pieces of one `posix_spawn` call, built from a `Subprocess.Configuration`.
struct SpawnRequest {
    private let configuration: Subprocess.Configuration

    init(_ configuration: Subprocess.Configuration) {
        self.configuration = configuration
    }

    /// Spawns the child with its stdout and stderr on the given pipe write ends.
    func spawn(stdout: FileDescriptor, stderr: FileDescriptor) throws(SystemError) -> pid_t {
        var program = configuration.executable
        var arguments = [configuration.executable] + configuration.arguments
        let chdir = GlibcExtensions.shared.addChdir
        if let directory = configuration.workingDirectory, chdir == nil {
            // Without posix_spawn_file_actions_addchdir_np, change directory in a shell that then
            // execs the program, so the process group and pid stay those of the program.
            program = "/bin/sh"
            arguments = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + arguments
        }
        let environment = (configuration.environment ?? ProcessEnvironment.current).map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        var status = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let stdoutRaw = try stdout.withRawDescriptor("posix_spawn") { $0 }
        let stderrRaw = try stderr.withRawDescriptor("posix_spawn") { $0 }
        if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, stdoutRaw, 1) }
        if status == 0 { status = posix_spawn_file_actions_adddup2(&actions, stderrRaw, 2) }
        if status == 0, let addClosefrom = GlibcExtensions.shared.addClosefrom {
            status = addClosefrom(&actions, 3)
        }
        if status == 0, let directory = configuration.workingDirectory, let chdir {
            status = chdir(&actions, directory)
        }
        guard status == 0 else {
            throw SystemError(call: "posix_spawn_file_actions", code: status, context: configuration.executable)
        }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        var processID: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                if program.contains("/") {
                    return posix_spawn(&processID, program, &actions, &attributes, argv, envp)
                }
                return posix_spawnp(&processID, program, &actions, &attributes, argv, envp)
            }
        }
        guard spawned == 0 else {
            throw SystemError(call: "posix_spawn", code: spawned, context: configuration.executable)
        }
        return processID
    }

    private func withCStrings<Result>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
    ) -> Result {
        let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer {
            for pointer in pointers {
                free(pointer)
            }
        }
        return body(pointers)
    }
}
