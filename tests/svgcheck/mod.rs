//! Structural checks of the SVG figures, read back with roxmltree: every axis's labelled ticks
//! reach past the series drawn on it, the legend box covers no series' point, every legend says
//! more than one thing, and titles write every number one way (thousands with separators).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use roxmltree::{Document, Node};

/// Every text element's content, trimmed.
pub fn texts(doc: &Document) -> Vec<String> {
    doc.descendants().filter(|n| n.has_tag_name("text")).map(|n| n.text().unwrap_or("").trim().to_string()).collect()
}

/// Whether some text contains `needle`.
pub fn has(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}

/// A box in pixels: x0, y0, x1, y1.
pub type Rect = (f64, f64, f64, f64);

fn num(n: Node, attr: &str) -> f64 {
    n.attribute(attr).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

/// The legend's frame: the one unfilled black rectangle (the figures draw it last, so what
/// follows it in the document is the legend's content). None when the figure has no legend.
pub fn legend_box<'a>(doc: &'a Document<'a>) -> Option<(Node<'a, 'a>, Rect)> {
    let frames: Vec<Node> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect") && n.attribute("fill") == Some("none") && n.attribute("stroke") == Some("#000000")
        })
        .collect();
    assert!(frames.len() <= 1, "one legend frame at most, found {}", frames.len());
    frames.first().map(|&n| {
        let (x, y) = (num(n, "x"), num(n, "y"));
        (n, (x, y, x + num(n, "width"), y + num(n, "height")))
    })
}

/// Every drawn element of the series (before the legend), as its points or its box: coloured
/// polylines' points, circles' centres and filled rectangles (bars, shades), without the white background.
pub fn series_shapes(doc: &Document) -> (Vec<(f64, f64)>, Vec<Rect>) {
    let legend = legend_box(doc).map(|(n, _)| n);
    let (mut points, mut boxes) = (Vec::new(), Vec::new());
    for n in doc.descendants() {
        if legend.is_some_and(|l| n.range().start >= l.range().start) {
            break;
        }
        match n.tag_name().name() {
            // Black lines are the axes and their tick marks, not a series.
            "polyline" if n.attribute("stroke") != Some("#000000") => {
                for p in n.attribute("points").unwrap_or("").split_whitespace() {
                    let (x, y) = p.split_once(',').unwrap();
                    points.push((x.parse().unwrap(), y.parse().unwrap()));
                }
            }
            "circle" => points.push((num(n, "cx"), num(n, "cy"))),
            "rect" if n.attribute("fill").is_some_and(|f| f != "none" && f != "#FFFFFF") => {
                let (x, y) = (num(n, "x"), num(n, "y"));
                boxes.push((x, y, x + num(n, "width"), y + num(n, "height")));
            }
            _ => {}
        }
    }
    (points, boxes)
}

/// The legend's entries: its texts.
pub fn legend_entries(doc: &Document) -> Vec<String> {
    let Some((frame, _)) = legend_box(doc) else { return Vec::new() };
    doc.descendants()
        .filter(|n| n.range().start > frame.range().start && n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

/// A tick label's value: a number, with thousands separators or as a power of ten "1eN".
fn tick_value(s: &str) -> Option<f64> {
    let s = s.trim();
    s.replace(',', "").parse::<f64>().ok()
}

/// The tick labels' pixel positions: (x of the x axis's labels, y of the y axis's labels).
pub fn tick_pixels(doc: &Document) -> (Vec<f64>, Vec<f64>) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        if n.text().and_then(tick_value).is_none() {
            continue;
        }
        match n.attribute("text-anchor") {
            Some("middle") => xs.push(num(n, "x")),
            Some("end") => ys.push(num(n, "y")),
            _ => {}
        }
    }
    (xs, ys)
}

/// The checks every figure passes; returns the titles and texts for more checks.
pub fn check(name: &str, src: &str) {
    let doc = Document::parse(src).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
    let (points, boxes) = series_shapes(&doc);
    assert!(!points.is_empty() || !boxes.is_empty(), "{name}: no series drawn");
    // The labelled ticks reach past every series point and bar (1.5 px of rounding).
    let (xt, yt) = tick_pixels(&doc);
    assert!(xt.len() >= 2 && yt.len() >= 2, "{name}: ticks {xt:?} {yt:?}");
    let span = |v: &[f64]| v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
    let ((x0, x1), (y0, y1)) = (span(&xt), span(&yt));
    let inside = |(x, y): (f64, f64)| x >= x0 - 1.5 && x <= x1 + 1.5 && y >= y0 - 1.5 && y <= y1 + 1.5;
    for &p in &points {
        assert!(inside(p), "{name}: {p:?} lies past the ticks x {x0}..{x1}, y {y0}..{y1}");
    }
    for &(a, b, c, d) in &boxes {
        assert!(
            inside((a, b)) && inside((c, d)),
            "{name}: bar {:?} past the ticks x {x0}..{x1}, y {y0}..{y1}",
            (a, b, c, d)
        );
    }
    // The legend covers nothing drawn, and says more than one thing.
    if let Some((_, (l0, t0, l1, t1))) = legend_box(&doc) {
        for &(x, y) in &points {
            assert!(!(x >= l0 && x <= l1 && y >= t0 && y <= t1), "{name}: the legend covers the point {:?}", (x, y));
        }
        for &(a, b, c, d) in &boxes {
            assert!(c <= l0 || a >= l1 || d <= t0 || b >= t1, "{name}: the legend covers the bar {:?}", (a, b, c, d));
        }
        let entries = legend_entries(&doc);
        assert!(entries.len() >= 2, "{name}: a one-entry legend says nothing: {entries:?}");
    }
    for t in titles(&doc) {
        assert_one_number_format(name, &t);
    }
}

/// The figure's titles: texts centred and larger than the tick labels.
pub fn titles(doc: &Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
        .filter(|n| num(*n, "font-size") >= 10.0)
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .filter(|t| tick_value(t).is_none())
        .collect()
}

/// Whole numbers of four digits or more carry thousands separators ("76,928 steps", never
/// "76928 steps"); digits after a decimal point or an exponent's are not whole numbers.
pub fn assert_one_number_format(name: &str, title: &str) {
    let chars: Vec<char> = title.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let before = if start > 0 { chars[start - 1] } else { ' ' };
            let fraction = before == '.' || before == 'e' || before == '-' && start > 1 && chars[start - 2] == 'e';
            assert!(
                fraction || before == ',' || i - start < 4,
                "{name}: `{}` in the title `{title}` has no thousands separators",
                chars[start..i].iter().collect::<String>()
            );
        } else {
            i += 1;
        }
    }
}
