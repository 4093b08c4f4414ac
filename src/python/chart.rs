//! `Chart`: a table drawn as SVG ([`crate::render::chart::Chart`]).

use std::path::PathBuf;

use pyo3::prelude::*;

use crate::render::chart::Chart;

/// A chart of a :class:`Table` (``table.chart()``): the SVG document and its size in px.
/// Shows itself in notebooks; :meth:`save` writes ``.svg`` (or ``.png``).
#[pyclass(name = "Chart", module = "doe_democratie", frozen)]
#[derive(Debug, Clone)]
pub struct PyChart {
    pub(crate) inner: Chart,
}

#[pymethods]
impl PyChart {
    /// The ``<svg>`` element, self-contained.
    #[getter]
    fn svg(&self) -> &str {
        &self.inner.svg
    }
    /// Width in px.
    #[getter]
    fn width(&self) -> f64 {
        self.inner.width
    }
    /// Height in px.
    #[getter]
    fn height(&self) -> f64 {
        self.inner.height
    }

    /// Writes the chart to ``path``: SVG, or PNG at twice its size when the name ends in
    /// ``.png``. A symbolic link or folder at ``path`` is refused.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        Ok(py.detach(|| self.inner.save(&path))?)
    }

    /// The chart as PNG bytes, ``scale`` pixels per px, drawn with the bundled font.
    #[cfg(feature = "png")]
    #[pyo3(signature = (*, scale = 2.0))]
    fn to_png<'py>(
        &self,
        py: Python<'py>,
        scale: f32,
    ) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
        let png = py.detach(|| self.inner.to_png(scale))?;
        Ok(pyo3::types::PyBytes::new(py, &png))
    }

    fn _repr_svg_(&self) -> &str {
        &self.inner.svg
    }

    fn __repr__(&self) -> String {
        format!(
            "<Chart {} × {} px, {} bytes of SVG>",
            self.inner.width,
            self.inner.height,
            self.inner.svg.len()
        )
    }
}
