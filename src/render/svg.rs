//! A small typed SVG writer: the few elements charts need, every text escaped through
//! [`esc`](super::esc), every number written with at most one decimal so that a chart stays a
//! few kilobytes and its markup is stable across platforms (snapshot tests compare it).

use std::fmt::Write as _;

use super::esc;
use super::text::FONT_FAMILY;

/// Horizontal alignment of a text at its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the start of the text.
    Start,
    /// `x` is the middle of the text.
    Middle,
    /// `x` is the end of the text.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// How a text is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    /// Font size in px.
    pub size: f64,
    /// Bold weight.
    pub bold: bool,
    /// Alignment at `x`.
    pub anchor: Anchor,
    /// Fill colour (`#rrggbb`).
    pub fill: &'static str,
}

impl TextStyle {
    /// Regular text of `size` px, left-aligned, in the body colour.
    pub const fn plain(size: f64) -> Self {
        TextStyle {
            size,
            bold: false,
            anchor: Anchor::Start,
            fill: INK,
        }
    }

    /// The same style, aligned at `anchor`.
    pub const fn anchored(self, anchor: Anchor) -> Self {
        TextStyle { anchor, ..self }
    }

    /// The same style in bold.
    pub const fn bold(self) -> Self {
        TextStyle { bold: true, ..self }
    }

    /// The same style in `fill`.
    pub const fn filled(self, fill: &'static str) -> Self {
        TextStyle { fill, ..self }
    }
}

/// The colour of body text.
pub const INK: &str = "#1a1a1a";

/// `x` with at most one decimal, without a trailing `.0`.
pub fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        "0".into() // never "-0"
    } else if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// An SVG document being written, element by element.
#[derive(Debug, Clone)]
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
    open_groups: usize,
}

impl Svg {
    /// An empty drawing of `width` × `height` px.
    pub fn new(width: f64, height: f64) -> Self {
        Svg {
            width,
            height,
            body: String::new(),
            open_groups: 0,
        }
    }

    /// Sets the height, for drawings whose height is known only at the end.
    pub fn set_height(&mut self, height: f64) {
        self.height = height;
    }

    /// A filled rectangle; `data` become `data-*` attributes (escaped), for tests and scripts
    /// that read a chart's segments back.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, data: &[(&str, &str)]) {
        let _ = write!(
            self.body,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            esc(fill)
        );
        self.data(data);
        self.body.push_str("/>");
    }

    /// A straight line of `stroke` colour and `width` px.
    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64) {
        let _ = write!(
            self.body,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            esc(stroke),
            num(width)
        );
    }

    /// One line of text with its baseline at `y`.
    pub fn text(&mut self, x: f64, y: f64, text: &str, style: TextStyle) {
        let _ = write!(self.body, "<text x=\"{}\" y=\"{}\"", num(x), num(y));
        if style.size != BODY_SIZE {
            let _ = write!(self.body, " font-size=\"{}\"", num(style.size));
        }
        if style.bold {
            self.body.push_str(" font-weight=\"bold\"");
        }
        if style.anchor != Anchor::Start {
            let _ = write!(self.body, " text-anchor=\"{}\"", style.anchor.as_str());
        }
        if style.fill != INK {
            let _ = write!(self.body, " fill=\"{}\"", style.fill);
        }
        let _ = write!(self.body, ">{}</text>", esc(text));
    }

    /// Opens a group with a class and `data-*` attributes; [`Svg::close`] ends it.
    pub fn open(&mut self, class: &str, data: &[(&str, &str)]) {
        let _ = write!(self.body, "<g class=\"{}\"", esc(class));
        self.data(data);
        self.body.push('>');
        self.open_groups += 1;
    }

    /// Closes the innermost open group.
    pub fn close(&mut self) {
        if self.open_groups > 0 {
            self.body.push_str("</g>");
            self.open_groups -= 1;
        }
    }

    fn data(&mut self, data: &[(&str, &str)]) {
        for (k, v) in data {
            let _ = write!(self.body, " data-{}=\"{}\"", esc(k), esc(v));
        }
    }

    /// The document: an `<svg>` element with `role="img"`, `title` as its accessible name, the
    /// font stack and body size set once on the root, and every group closed.
    pub fn finish(mut self, title: &str) -> String {
        while self.open_groups > 0 {
            self.close();
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" role=\"img\" font-family=\"{font}\" font-size=\"{size}\" \
             fill=\"{INK}\"><title>{title}</title><rect width=\"{w}\" height=\"{h}\" \
             fill=\"#ffffff\"/>{body}</svg>",
            w = num(self.width),
            h = num(self.height),
            font = esc(FONT_FAMILY),
            size = num(BODY_SIZE),
            title = esc(title),
            body = self.body,
        )
    }
}

/// The root's font size; texts of this size carry no `font-size` of their own.
pub const BODY_SIZE: f64 = 12.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.04), "12");
        assert_eq!(num(12.06), "12.1");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(3.25), "3.3");
    }

    #[test]
    fn text_and_data_are_escaped_and_groups_closed() {
        let mut svg = Svg::new(100.0, 20.0);
        svg.open("bar", &[("item", "a\"<b>")]);
        svg.rect(0.0, 0.0, 10.0, 5.0, "#000000", &[("category", "x&y")]);
        svg.text(1.0, 2.0, "Vaak & <soms>", TextStyle::plain(BODY_SIZE));
        let out = svg.finish("T<1>");
        assert!(out.contains("data-item=\"a&quot;&lt;b&gt;\""));
        assert!(out.contains("data-category=\"x&amp;y\""));
        assert!(out.contains(">Vaak &amp; &lt;soms&gt;</text>"));
        assert!(out.contains("<title>T&lt;1&gt;</title>"));
        assert!(out.ends_with("</g></svg>"));
    }
}
