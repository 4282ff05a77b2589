/// The report's stylesheet: inline, no fonts or files from elsewhere; one column on a phone, two on
/// a wide screen, and figures kept whole when printed.
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; \
        max-width: 1200px; padding: 12px; color: #1b1b1b; background: #fff; line-height: 1.4; }
        h1 { font-size: 1.5rem; margin: 0.2em 0; } h2 { font-size: 1.25rem; margin: 1.2em 0 0.4em; \
        border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; margin: 0.2em 0; }
        nav a { margin-right: 1em; } .muted { color: #666; font-size: 0.9rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; margin: 8px 0; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 6px 8px; }
        .card .value { font-size: 1.3rem; font-weight: 600; display: block; }
        .card .name { font-size: 0.8rem; color: #555; }
        .figures { display: grid; grid-template-columns: 1fr; gap: 12px; }
        @media (min-width: 900px) { .figures { grid-template-columns: 1fr 1fr; } }
        figure { margin: 0; border: 1px solid #eee; border-radius: 6px; padding: 6px; break-inside: avoid; }
        figcaption { font-size: 0.85rem; color: #444; }
        svg.plot { width: 100%; height: auto; display: block; font-size: 12px; }
        svg.plot .frame { fill: none; stroke: #999; } svg.plot .grid { stroke: #eee; }
        svg.plot text { fill: #333; } svg.plot .label { font-weight: 600; } svg.plot .note { font-size: 12px; fill: #000; }
        .legend { list-style: none; padding: 0; margin: 4px 0; display: flex; flex-wrap: wrap; gap: 4px 12px; \
        font-size: 0.85rem; }
        .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; margin-right: 4px; \
        vertical-align: -0.1em; }
        .table { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
        th, td { border-bottom: 1px solid #eee; padding: 3px 6px; text-align: left; vertical-align: top; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        code { font-size: 0.8rem; word-break: break-all; }
        /* On a phone the plots shrink to about half their drawn size: larger text keeps it legible. */
        @media (max-width: 600px) { svg.plot { font-size: 17px; } svg.plot .note { font-size: 17px; } \
        .card .value { font-size: 1.1rem; } }
        @media print { nav, .live { display: none; } body { max-width: none; } section.run { break-before: page; } \
        section.run:first-of-type { break-before: auto; } }
        """
}
