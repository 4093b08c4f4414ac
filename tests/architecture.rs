//! The layers import only downward: instrument → data → consolidate → analysis → report →
//! render, with `python` (the binding) on top. Every `crate::…` path in the code of `src/` is
//! read (comments and doc comments left out) and mapped to the layer it names; a file that
//! names a later layer fails the test. `cargo test --test architecture -- --nocapture` prints the
//! import table that `docs/architecture.md` shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers in flow order.
const LAYERS: [&str; 7] = [
    "instrument",
    "data",
    "consolidate",
    "analysis",
    "report",
    "render",
    "python",
];

/// The layer of a module or re-exported name after `crate::`; `None` for the error type, which
/// every layer returns (and which carries the data layer's validation report).
fn layer_of_name(name: &str) -> Option<usize> {
    let layer = match name {
        "Instrument" | "instrument" => "instrument",
        "Survey" | "ReadOptions" | "Frame" | "data" | "datasets" => "data",
        "Policy" | "Rules" | "WeightedColumn" | "consolidate" => "consolidate",
        "Weights" | "ItemSummary" | "analysis" => "analysis",
        "report" => "report",
        "render" => "render",
        "python" => "python",
        "Error" | "Result" | "error" => return None,
        other => panic!("crate::{other} is no module or re-export this test knows; add it"),
    };
    LAYERS.iter().position(|l| *l == layer)
}

/// The layer a source file belongs to, from its path under `src/`.
fn layer_of_file(rel: &Path) -> Option<usize> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    match module {
        "lib" | "error" => None,
        "datasets" => layer_of_name("data"),
        m => layer_of_name(m),
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::<name>` paths of a file's code lines.
fn crate_paths(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
        // `use crate::{a, b}` lists several.
        if let Some(at) = code.find("crate::{") {
            let list = &code[at + "crate::{".len()..];
            let list = list.split('}').next().unwrap_or("");
            names.extend(
                list.split(',')
                    .map(|n| n.trim().split("::").next().unwrap_or("").to_string())
                    .filter(|n| !n.is_empty()),
            );
        }
    }
    names
}

#[test]
fn every_layer_imports_only_from_layers_before_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut against = Vec::new();
    let mut table: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap();
        let Some(own) = layer_of_file(rel) else {
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for name in crate_paths(&text) {
            let Some(used) = layer_of_name(&name) else {
                continue;
            };
            *table.entry((own, used)).or_default() += 1;
            if used > own {
                against.push(format!(
                    "{} ({}) names crate::{name} ({})",
                    rel.display(),
                    LAYERS[own],
                    LAYERS[used]
                ));
            }
        }
    }
    println!("| layer | imports from (number of `crate::` paths) |\n|---|---|");
    for (i, layer) in LAYERS.iter().enumerate() {
        let uses: Vec<String> = table
            .iter()
            .filter(|((own, used), _)| *own == i && own != used)
            .map(|((_, used), n)| format!("{} ({n})", LAYERS[*used]))
            .collect();
        println!("| {layer} | {} |", uses.join(", "));
    }
    assert!(
        against.is_empty(),
        "imports against the flow:\n{}",
        against.join("\n")
    );
    assert!(files.len() > 50, "read {} files", files.len());
}

#[test]
fn the_reader_sees_paths_in_code_not_in_comments() {
    let text = "use crate::analysis::Table; // crate::render\n/// [`x`](crate::report)\nuse crate::{data::Survey, consolidate};\n";
    assert_eq!(crate_paths(text), ["analysis", "data", "consolidate"]);
}
