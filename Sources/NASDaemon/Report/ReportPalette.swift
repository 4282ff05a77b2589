/// Colours of the report: the Okabe–Ito palette, distinguishable with colour-blindness and in print.
enum ReportPalette {
    static let colours = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D1F", "#000000"]

    /// The colour of the `index`-th series (cycling).
    static func colour(_ index: Int) -> String { colours[index % colours.count] }

    /// Muted grey for reference lines (the diagonal, the unpruned curve).
    static let reference = "#888888"
}
