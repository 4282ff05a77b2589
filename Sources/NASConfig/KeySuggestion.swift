/// "Did you mean …?" for a misspelt key or value: the closest allowed word within two edits.
public enum KeySuggestion {
    /// The largest edit distance that still counts as a likely typo.
    public static let maximumDistance = 2

    /// The allowed word closest to `word` by optimal-string-alignment distance (Levenshtein plus
    /// transposition of adjacent characters, compared case-insensitively), when it is at most
    /// `maximumDistance` edits away; ties go to the word listed first.
    ///
    /// - Parameters:
    ///   - word: what was written.
    ///   - candidates: the words allowed at that place.
    /// - Returns: the suggestion, or nil when nothing is close.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (word: String, distance: Int)?
        let length = word.unicodeScalars.count
        // The distance is at least the difference in length: skip the table for words that far
        // apart (a 30,000-character "key" would otherwise cost a table per candidate).
        for candidate in candidates
        where candidate != word && abs(candidate.unicodeScalars.count - length) <= maximumDistance {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            if distance <= maximumDistance && distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.word
    }

    /// The optimal-string-alignment distance between two strings (Damerau 1964; each substring
    /// edited at most once), over Unicode scalars.
    public static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.unicodeScalars)
        let b = Array(rhs.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count {
            table[i][0] = i
        }
        for j in 0...b.count {
            table[0][j] = j
        }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[a.count][b.count]
    }
}
