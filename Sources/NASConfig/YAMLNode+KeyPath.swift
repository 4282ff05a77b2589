extension YAMLNode {
    /// Where the value at a key path such as `space.stages` or `strategy.epsilon_schedule[2].models`
    /// was written, so that a check made after decoding can still point at the file.
    ///
    /// - Parameter keyPath: dotted keys with `[index]` for list items; empty for the root.
    /// - Returns: the position of the deepest node of the path that exists (the root's position
    ///   when not even the first key is present).
    public func position(ofKeyPath keyPath: String) -> SourcePosition {
        var node = self
        for component in Self.components(of: keyPath) {
            switch (component, node.value) {
            case (.key(let key), .map(let entries)):
                guard let entry = entries.first(where: { $0.key == key }) else { return node.position }
                node = entry.value
            case (.index(let index), .list(let items)) where items.indices.contains(index):
                node = items[index]
            default:
                return node.position
            }
        }
        return node.position
    }

    private enum PathComponent {
        case key(String)
        case index(Int)
    }

    private static func components(of keyPath: String) -> [PathComponent] {
        var components: [PathComponent] = []
        for part in keyPath.split(separator: ".", omittingEmptySubsequences: true) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                let key = rest[..<bracket]
                if !key.isEmpty { components.append(.key(String(key))) }
                rest = rest[bracket...]
                while rest.first == "[", let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                        components.append(.index(index))
                    }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                components.append(.key(String(rest)))
            }
        }
        return components
    }
}
