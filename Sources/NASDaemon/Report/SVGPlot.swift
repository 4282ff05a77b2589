import Foundation

/// One chart as inline SVG: two axes with ticks and labels, and series drawn as lines, steps or
/// points. Scales to its container (`viewBox`, no fixed size), so it reads on a phone and prints.
///
/// Pure: the same plot renders to the same text.
struct SVGPlot: Sendable {
    /// How a series is drawn.
    enum Style: Sendable {
        /// A polyline through the points in order.
        case line
        /// A dashed polyline.
        case dashedLine
        /// A staircase: horizontal to the next x, then vertical (best-so-far curves).
        case step
        /// Filled dots.
        case points
        /// Hollow dots (predictions, trials that were not trained to the end).
        case hollowPoints
        /// Crosses (stop points).
        case crosses
    }

    /// One drawn series; `labels` (one per point, optional) become hover titles.
    struct Series: Sendable {
        var name: String
        var colour: String
        var style: Style
        var points: [(x: Double, y: Double)]
        var labels: [String] = []
    }

    /// The chart's accessible title.
    var title: String
    var xLabel: String
    var yLabel: String
    var x: AxisScale
    var y: AxisScale
    var xIsPercent = false
    var yIsPercent = false
    var series: [Series] = []
    /// Text ending at data coordinates (right-aligned, so it stays inside the plot at its right edge).
    var notes: [(x: Double, y: Double, text: String)] = []

    static let width = 640.0
    static let height = 360.0
    private static let left = 62.0
    private static let right = 16.0
    private static let top = 14.0
    private static let bottom = 46.0

    private var plotWidth: Double { Self.width - Self.left - Self.right }
    private var plotHeight: Double { Self.height - Self.top - Self.bottom }

    private func px(_ value: Double) -> Double { Self.left + x.fraction(value) * plotWidth }
    private func py(_ value: Double) -> Double { Self.top + (1 - y.fraction(value)) * plotHeight }

    /// The `<svg>` element.
    func render() -> String {
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Self.format(Self.width)) \(Self.format(Self.height))" \
            role="img" aria-label="\(MarkupEscaping.escape(title))" class="plot">
            <title>\(MarkupEscaping.escape(title))</title>
            <rect x="\(Self.format(Self.left))" y="\(Self.format(Self.top))" width="\(Self.format(plotWidth))" \
            height="\(Self.format(plotHeight))" class="frame"/>

            """
        svg += axes()
        svg += "<g class=\"series\">\n"
        for series in self.series {
            svg += draw(series)
        }
        for note in notes {
            svg +=
                "<text x=\"\(Self.format(px(note.x)))\" y=\"\(Self.format(py(note.y)))\" text-anchor=\"end\" class=\"note\">"
                + MarkupEscaping.escape(note.text) + "</text>\n"
        }
        svg += "</g>\n</svg>"
        return svg
    }

    private func axes() -> String {
        var text = "<g class=\"axes\">\n"
        let bottomEdge = Self.top + plotHeight
        for tick in x.ticks() {
            let position = Self.format(px(tick))
            text +=
                "<line x1=\"\(position)\" y1=\"\(Self.format(Self.top))\" x2=\"\(position)\" "
                + "y2=\"\(Self.format(bottomEdge))\" class=\"grid\"/>\n"
            text +=
                "<text x=\"\(position)\" y=\"\(Self.format(bottomEdge + 16))\" text-anchor=\"middle\">"
                + MarkupEscaping.escape(AxisScale.label(tick, percent: xIsPercent)) + "</text>\n"
        }
        for tick in y.ticks() {
            let position = Self.format(py(tick))
            text +=
                "<line x1=\"\(Self.format(Self.left))\" y1=\"\(position)\" x2=\"\(Self.format(Self.left + plotWidth))\" "
                + "y2=\"\(position)\" class=\"grid\"/>\n"
            text +=
                "<text x=\"\(Self.format(Self.left - 6))\" y=\"\(Self.format(py(tick) + 4))\" text-anchor=\"end\">"
                + MarkupEscaping.escape(AxisScale.label(tick, percent: yIsPercent)) + "</text>\n"
        }
        text +=
            "<text x=\"\(Self.format(Self.left + plotWidth / 2))\" y=\"\(Self.format(Self.height - 6))\" "
            + "text-anchor=\"middle\" class=\"label\">\(MarkupEscaping.escape(xLabel))</text>\n"
        text +=
            "<text transform=\"translate(14 \(Self.format(Self.top + plotHeight / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\" class=\"label\">\(MarkupEscaping.escape(yLabel))</text>\n"
        return text + "</g>\n"
    }

    private func draw(_ series: Series) -> String {
        let colour = MarkupEscaping.escape(series.colour)
        let visible = series.points.filter { $0.x.isFinite && $0.y.isFinite && (x.kind == .linear || $0.x > 0) }
        guard !visible.isEmpty else { return "" }
        switch series.style {
        case .line, .dashedLine, .step:
            var coordinates: [String] = []
            var previous: (x: Double, y: Double)?
            for point in visible {
                if series.style == .step, let previous {
                    coordinates.append("\(Self.format(px(point.x))),\(Self.format(py(previous.y)))")
                }
                coordinates.append("\(Self.format(px(point.x))),\(Self.format(py(point.y)))")
                previous = point
            }
            let dash = series.style == .dashedLine ? " stroke-dasharray=\"6 4\"" : ""
            return "<polyline points=\"\(coordinates.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" "
                + "stroke-width=\"2\"\(dash)><title>\(MarkupEscaping.escape(series.name))</title></polyline>\n"
        case .points, .hollowPoints, .crosses:
            var text = ""
            for (index, point) in visible.enumerated() {
                let cx = Self.format(px(point.x))
                let cy = Self.format(py(point.y))
                let label = index < series.labels.count ? series.labels[index] : series.name
                let title = "<title>\(MarkupEscaping.escape(label))</title>"
                switch series.style {
                case .crosses:
                    let (x0, x1) = (Self.format(px(point.x) - 5), Self.format(px(point.x) + 5))
                    let (y0, y1) = (Self.format(py(point.y) - 5), Self.format(py(point.y) + 5))
                    text +=
                        "<path d=\"M\(x0) \(y0)L\(x1) \(y1)M\(x0) \(y1)L\(x1) \(y0)\" stroke=\"\(colour)\" "
                        + "stroke-width=\"2\">\(title)</path>\n"
                case .hollowPoints:
                    text +=
                        "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"4\" fill=\"none\" stroke=\"\(colour)\" "
                        + "stroke-width=\"1.5\">\(title)</circle>\n"
                default:
                    text +=
                        "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"3.5\" fill=\"\(colour)\" fill-opacity=\"0.8\">"
                        + "\(title)</circle>\n"
                }
            }
            return text
        }
    }

    /// A coordinate with at most one decimal (keeps the file small and deterministic).
    static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
