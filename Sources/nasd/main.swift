import Foundation

let tool = CommandLineTool(commands: NASDCommands.all, version: NASDCommands.version)
let status = await tool.run(CommandLine.arguments)
exit(status)
