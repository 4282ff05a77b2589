import Foundation

/// The text forms of durations and timestamps accepted in configurations.
enum DurationSyntax {
    /// Nanoseconds of `30s`, `90m`, `2h`, `1h30m`, `250ms`, `0.02s`, `1.5d`: one or more
    /// `<number><unit>` terms with units `ms`, `s`, `m`, `h`, `d`; nil when the text is not one.
    static func nanoseconds(of text: String) -> Double? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var cursor = 0
        var total = 0.0
        while cursor < scalars.count {
            let numberStart = cursor
            while cursor < scalars.count, ("0"..."9").contains(scalars[cursor]) || scalars[cursor] == "." {
                cursor += 1
            }
            let numberText = String(String.UnicodeScalarView(scalars[numberStart..<cursor]))
            guard !numberText.isEmpty, numberText.first != ".", let number = Double(numberText) else { return nil }
            let unitStart = cursor
            while cursor < scalars.count, ("a"..."z").contains(scalars[cursor]) {
                cursor += 1
            }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<cursor]))
            let scale: Double
            switch unit {
            case "ms": scale = 1e6
            case "s": scale = 1e9
            case "m": scale = 60e9
            case "h": scale = 3_600e9
            case "d": scale = 86_400e9
            default: return nil
            }
            total += number * scale
        }
        return total
    }

    /// An ISO-8601 timestamp with a time zone: `2025-06-01T18:00:00Z`, `2025-06-01T18:00+02:00`,
    /// `2025-06-01 18:00:00.5-05:00`; nil when the text is not one.
    static func timestamp(_ text: String) -> Date? {
        let s = Array(text.unicodeScalars)
        var cursor = 0
        func number(_ digits: Int) -> Int? {
            guard cursor + digits <= s.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let scalar = s[cursor + offset]
                guard ("0"..."9").contains(scalar) else { return nil }
                value = value * 10 + Int(scalar.value - 48)
            }
            cursor += digits
            return value
        }
        func expect(_ scalar: Unicode.Scalar) -> Bool {
            guard cursor < s.count, s[cursor] == scalar else { return false }
            cursor += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            return nil
        }
        guard cursor < s.count, s[cursor] == "T" || s[cursor] == "t" || s[cursor] == " " else { return nil }
        cursor += 1
        guard let hour = number(2), expect(":"), let minute = number(2) else { return nil }
        var second = 0.0
        if expect(":") {
            guard let whole = number(2) else { return nil }
            second = Double(whole)
            if expect(".") {
                let start = cursor
                while cursor < s.count, ("0"..."9").contains(s[cursor]) {
                    cursor += 1
                }
                guard cursor > start, let fraction = Double("0." + String(String.UnicodeScalarView(s[start..<cursor])))
                else { return nil }
                second += fraction
            }
        }
        var offsetSeconds = 0
        if expect("Z") || expect("z") {
            offsetSeconds = 0
        } else if cursor < s.count, s[cursor] == "+" || s[cursor] == "-" {
            let sign = s[cursor] == "-" ? -1 : 1
            cursor += 1
            guard let offsetHours = number(2) else { return nil }
            _ = expect(":")
            guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = sign * (offsetHours * 3_600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard cursor == s.count, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3_600 + minute * 60 - offsetSeconds) + second
        return Date(timeIntervalSince1970: seconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
