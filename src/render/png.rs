//! SVG → PNG with [`resvg`], for the README's pictures, Excel images and `Chart.to_png()` (cargo
//! feature `png`, on in the Python wheel).
//!
//! Text is drawn with Liberation Sans Regular and Bold 2.1.5, **bundled** in the crate
//! (`fonts/`, embedded with `include_bytes!`) — the font whose advance widths
//! [`text`](super::text) measures with, so labels wrapped for the SVG fit the same way in the
//! PNG, on any machine, with or without fonts installed: no system font is ever loaded. Every
//! family an SVG names (`'Liberation Sans'`, Arial, Helvetica, `sans-serif`, anything else)
//! resolves to Liberation Sans, the only font there is; a `font-weight` of 600 or more picks the
//! bold face. The fonts are © 2010 Google Corporation and © 2012 Red Hat, Inc., under the SIL
//! Open Font License 1.1 (`fonts/LICENSE`), which allows embedding them in software.
//!
//! The renderer reads nothing but the SVG text: `<image>` elements that name a file are
//! skipped (data URLs still work), so rendering an SVG cannot read local files. The background
//! is transparent where the SVG draws nothing.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use crate::error::{Error, Result};

/// The most pixels (width × height of the PNG) [`svg_to_png`] draws: 40 megapixels, 160 MB of
/// RGBA. A report chart at scale 2 has well under one megapixel.
pub const MAX_PIXELS: u64 = 40_000_000;

const REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSans-Regular.ttf");
const BOLD: &[u8] = include_bytes!("../../fonts/LiberationSans-Bold.ttf");
const FAMILY: &str = "Liberation Sans";

fn error(message: String) -> Error {
    Error::Render {
        what: "png".into(),
        message,
    }
}

/// The bundled fonts, parsed once per process. Every generic family maps to Liberation Sans, and
/// usvg falls back to the serif family for names it does not find (Arial, Helvetica), so that
/// maps there too.
fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            for data in [REGULAR, BOLD] {
                db.load_font_source(fontdb::Source::Binary(Arc::new(data)));
            }
            db.set_sans_serif_family(FAMILY);
            db.set_serif_family(FAMILY);
            db.set_monospace_family(FAMILY);
            db.set_cursive_family(FAMILY);
            db.set_fantasy_family(FAMILY);
            Arc::new(db)
        })
        .clone()
}

fn options() -> usvg::Options<'static> {
    let mut opt = usvg::Options {
        font_family: FAMILY.into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    // Our SVGs carry everything inline; a file name in an <image> is never followed.
    opt.image_href_resolver.resolve_string = Box::new(|_, _| None);
    opt
}

/// The pixel size of a `width` × `height` SVG drawn at `scale`, refused when it is absurd.
fn pixel_size(width: f32, height: f32, scale: f32) -> Result<(u32, u32)> {
    if !scale.is_finite() || scale <= 0.0 {
        return Err(error(format!(
            "the scale must be a positive number, not {scale}"
        )));
    }
    // In f32, as resvg sizes images, so that 7000 × 0.1 is 700 pixels and not 701 (0.1 is
    // slightly more than a tenth in f32).
    let (w, h) = ((width * scale).ceil(), (height * scale).ceil());
    // Both are ≥ 1 (usvg refuses empty sizes); an overflow to infinity is refused here too.
    if f64::from(w) * f64::from(h) > MAX_PIXELS as f64 {
        return Err(error(format!(
            "{width} × {height} px at scale {scale} would be {w} × {h} pixels, \
             more than the limit of {MAX_PIXELS}"
        )));
    }
    // In range: w × h ≤ MAX_PIXELS < u32::MAX.
    Ok((w as u32, h as u32))
}

/// Renders an SVG document to PNG bytes at `scale` (1.0: one pixel per SVG user unit; 2.0 for
/// sharp images on high-density screens), with the bundled Liberation Sans (see the module docs).
///
/// # Errors
///
/// [`Error::Render`] with `what` `png` when the SVG cannot be parsed (the parser's message
/// says where), has no valid size, `scale` is not a positive finite number, or the image would
/// have more than [`MAX_PIXELS`] pixels — refused before anything is allocated.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>> {
    let tree = usvg::Tree::from_str(svg, &options())
        .map_err(|e| error(format!("cannot read the SVG: {e}")))?;
    let size = tree.size();
    let (width, height) = pixel_size(size.width(), size.height(), scale)?;
    let mut pixmap = Pixmap::new(width, height)
        .ok_or_else(|| error(format!("cannot allocate a {width} × {height} image")))?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| error(format!("cannot encode the PNG: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bundled_faces_load() {
        let db = fonts();
        assert_eq!(db.len(), 2);
        let query = |weight| fontdb::Query {
            families: &[fontdb::Family::Name("Arial"), fontdb::Family::SansSerif],
            weight,
            ..fontdb::Query::default()
        };
        let regular = db.query(&query(fontdb::Weight::NORMAL)).unwrap();
        let bold = db.query(&query(fontdb::Weight::BOLD)).unwrap();
        assert_ne!(regular, bold);
        assert_eq!(db.face(bold).unwrap().weight, fontdb::Weight::BOLD);
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(pixel_size(100.0, 50.0, 2.0).unwrap(), (200, 100));
        assert_eq!(pixel_size(10.5, 1.0, 1.0).unwrap(), (11, 1));
        assert_eq!(pixel_size(7000.0, 300.0, 0.1).unwrap(), (700, 30));
        assert!(pixel_size(100.0, 50.0, 0.0).is_err());
        assert!(pixel_size(100.0, 50.0, f32::NAN).is_err());
        assert!(pixel_size(100.0, 50.0, f32::INFINITY).is_err());
        assert!(pixel_size(8000.0, 5001.0, 1.0).is_err());
        assert!(pixel_size(8000.0, 5000.0, 1.0).is_ok());
        assert!(pixel_size(f32::MAX, f32::MAX, 1.0).is_err());
    }
}
