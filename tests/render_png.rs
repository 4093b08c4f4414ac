//! SVG → PNG (`render::png`, cargo feature `png`): the PNG is decoded with the `png` crate and
//! its pixels checked — size, a rectangle's colour, and text drawn with the bundled font, whose
//! ink spans the width that `render::text` measures (so the PNG uses the font the layout assumed,
//! with no system fonts involved).
#![cfg(feature = "png")]

use doe_democratie::render::png::svg_to_png;
use doe_democratie::render::text::{text_width, FONT_FAMILY};
use doe_democratie::Error;

/// Decoded RGBA pixels with the image's width and height.
struct Image {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Image {
    fn decode(bytes: &[u8]) -> Image {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgba).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgba);
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        Image {
            width: info.width as usize,
            height: info.height as usize,
            rgba,
        }
    }

    fn pixel(&self, x: usize, y: usize) -> [u8; 4] {
        let i = 4 * (y * self.width + x);
        self.rgba[i..i + 4].try_into().unwrap()
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        let [r, g, b, a] = self.pixel(x, y);
        a > 128 && u16::from(r) + u16::from(g) + u16::from(b) < 200
    }

    /// Leftmost and rightmost columns with a dark pixel in rows `y0..y1`.
    fn ink_columns(&self, y0: usize, y1: usize) -> Option<(usize, usize)> {
        let columns: Vec<usize> = (0..self.width)
            .filter(|&x| (y0..y1).any(|y| self.dark(x, y)))
            .collect();
        Some((*columns.first()?, *columns.last()?))
    }
}

const LABEL: &str = "Zeer mee eens – één";

fn chart(font_family: &str, weight: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
  <rect x="10" y="10" width="80" height="40" fill="#1f77b4"/>
  <text x="100" y="80" font-family="{font_family}" font-size="20" font-weight="{weight}"
        fill="#000000">{LABEL}</text>
</svg>"##
    )
}

#[test]
fn size_rect_colour_and_text_ink() {
    let scale = 2.0;
    let image = Image::decode(&svg_to_png(&chart(FONT_FAMILY, "normal"), scale).unwrap());
    assert_eq!((image.width, image.height), (600, 200));
    // The rectangle, inside and at its edge, and the empty corner beside it.
    assert_eq!(image.pixel(100, 60), [0x1f, 0x77, 0xb4, 255]);
    assert_eq!(image.pixel(21, 21), [0x1f, 0x77, 0xb4, 255]);
    assert_eq!(image.pixel(10, 150), [0, 0, 0, 0]);
    // The text: dark ink between the top of the accents and the baseline (y 80 → row 160), none
    // above (the rectangle is not dark).
    assert_eq!(image.ink_columns(0, 110), None);
    let (left, right) = image.ink_columns(110, 170).expect("the text drew no ink");
    let measured = text_width(LABEL, 20.0, false) * 2.0;
    // Ink starts after the first glyph's left side bearing and ends before the last one's right
    // side bearing: a few pixels each at this size.
    assert!((200..210).contains(&left), "text starts at {left}");
    let ink = (right - 200) as f64;
    assert!(
        (measured - 8.0..=measured).contains(&ink),
        "ink {ink} px wide, Liberation Sans measures {measured}"
    );
}

#[test]
fn arial_and_bold_resolve_to_the_bundled_faces() {
    let regular = Image::decode(&svg_to_png(&chart("Arial", "normal"), 1.0).unwrap());
    let bold = Image::decode(&svg_to_png(&chart("Helvetica", "bold"), 1.0).unwrap());
    let right = |image: &Image| image.ink_columns(55, 85).unwrap().1 as f64 - 100.0;
    let (regular_w, bold_w) = (
        text_width(LABEL, 20.0, false),
        text_width(LABEL, 20.0, true),
    );
    assert!((regular_w - 4.0..=regular_w).contains(&right(&regular)));
    assert!((bold_w - 4.0..=bold_w).contains(&right(&bold)));
    // Bold strokes: far more ink in the same place.
    let ink = |image: &Image| {
        (0..image.height)
            .flat_map(|y| (0..image.width).map(move |x| (x, y)))
            .filter(|&(x, y)| image.dark(x, y))
            .count() as f64
    };
    assert!(ink(&bold) > 1.3 * ink(&regular));
}

fn render_error(svg: &str, scale: f32) -> String {
    match svg_to_png(svg, scale) {
        Err(Error::Render { what, message }) => {
            assert_eq!(what, "png");
            message
        }
        other => panic!("expected Error::Render, got {other:?}"),
    }
}

#[test]
fn bad_input_is_refused_with_a_render_error() {
    let message = render_error("<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", 1.0);
    assert!(message.contains("cannot read the SVG"), "{message}");
    let message = render_error("not svg at all", 1.0);
    assert!(message.contains("cannot read the SVG"), "{message}");
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"/>"#;
    let message = render_error(huge, 1.0);
    assert!(
        message.contains("more than the limit of 40000000"),
        "{message}"
    );
    // 7000 × 7000 is 49 megapixels at scale 1; at 0.1 it renders.
    let big = r#"<svg xmlns="http://www.w3.org/2000/svg" width="7000" height="7000"/>"#;
    render_error(big, 1.0);
    let image = Image::decode(&svg_to_png(big, 0.1).unwrap());
    assert_eq!((image.width, image.height), (700, 700));
    for scale in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let message = render_error(&chart(FONT_FAMILY, "normal"), scale);
        assert!(message.contains("positive number"), "{message}");
    }
}
