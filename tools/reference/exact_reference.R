# Reference values for src/analysis/inference/{exact,adjust}.rs, from base R only:
# fisher.test p-values (exact network algorithm, no hybrid), p.adjust (holm, BH) and
# chisq.test's Pearson statistic without continuity correction.
#
# Run from the repository root:
#   Rscript tools/reference/exact_reference.R
#   python3 tools/reference/exact_reference.py   # adds the scipy/statsmodels peers
# The R script rewrites tests/data/inference/exact_reference.json from scratch, so run the
# Python script again after it.

out_path <- "tests/data/inference/exact_reference.json"
command <- "Rscript tools/reference/exact_reference.R"

# Tables as lists of rows (groups), columns are answer categories.
fisher_cases <- list(
  list(name = "tea_tasting_2x2", rows = list(c(3, 1), c(1, 3))),
  list(name = "small_2x2", rows = list(c(10, 2), c(3, 15))),
  list(name = "zero_cells_2x2", rows = list(c(0, 5), c(6, 0))),
  list(name = "unbalanced_2x2", rows = list(c(1, 9), c(11, 3))),
  list(name = "larger_2x2", rows = list(c(25, 15), c(12, 48))),
  list(name = "tiny_p_2x2", rows = list(c(20, 0), c(0, 20))),
  list(name = "symmetric_2x2", rows = list(c(5, 5), c(5, 5))),
  list(name = "small_2x3", rows = list(c(2, 5, 3), c(7, 1, 2))),
  list(name = "zero_cell_2x3", rows = list(c(0, 3, 8), c(4, 2, 1))),
  list(name = "ties_2x5", rows = list(c(1, 1, 1, 1, 6), c(6, 1, 1, 1, 1))),
  list(name = "sparse_3x4", rows = list(c(1, 2, 0, 3), c(4, 0, 2, 1), c(0, 3, 3, 2))),
  # Size class (rows, smallest ~10 municipalities) x yes/no, ~100 municipalities.
  list(name = "size_class_4x2", rows = list(c(7, 3), c(15, 20), c(12, 25), c(4, 14))),
  # Size class x 3 answers, ~100 municipalities: too many tables to enumerate by default.
  list(name = "size_class_4x3", rows = list(c(5, 3, 2), c(12, 13, 10), c(10, 12, 11), c(3, 9, 10))),
  # All-zero row and all-zero column: R passes them to FEXACT, which ignores them; the Rust code
  # drops them first (the zero-column case becomes a 2x2).
  list(name = "zero_row_3x3", rows = list(c(3, 0, 2), c(0, 0, 0), c(1, 4, 2))),
  list(name = "zero_column_2x3", rows = list(c(2, 0, 5), c(3, 0, 1))),
  # Heavy but enumerable.
  list(name = "heavy_4x4", rows = list(c(3, 2, 4, 1), c(2, 5, 1, 3), c(4, 1, 3, 2), c(1, 3, 2, 6))),
  # Beyond the default enumeration bound.
  list(name = "too_heavy_4x4", rows = list(c(6, 3, 5, 2), c(4, 8, 2, 5), c(5, 3, 7, 4), c(2, 6, 4, 9)))
)

adjust_cases <- list(
  list(name = "increasing", p = c(0.01, 0.02, 0.03, 0.04, 0.05)),
  list(name = "unsorted_with_ties", p = c(0.04, 0.01, 0.04, 0.2, 0.01, 0.5)),
  list(name = "ones", p = c(1, 1, 0.5, 0.9, 1)),
  list(name = "with_missing", p = c(0.03, NA, 0.001, 0.2, NA, 0.04)),
  list(name = "tiny_and_large", p = c(1e-10, 0.3, 0.0001, 0.7)),
  list(name = "single", p = c(0.2)),
  list(name = "all_missing", p = c(NA_real_, NA_real_)),
  list(name = "twenty", p = ((1:20) / 41)^2),
  list(name = "all_equal", p = rep(0.02, 7))
)

# Fractional (weighted) tables for the Pearson statistic; R is given the table without its
# all-zero rows and columns, as the Rust function drops them.
pearson_cases <- list(
  list(name = "weighted_2x3", rows = list(c(3.2, 1.7, 0.5), c(2.1, 4.4, 3.9))),
  list(name = "weighted_4x2", rows = list(c(1.25, 0.75), c(10.5, 12.25), c(8.0, 20.1), c(2.2, 9.9))),
  list(name = "counts_zero_row_3x3", rows = list(c(3, 0, 2), c(0, 0, 0), c(1, 4, 2)))
)

num <- function(x) if (is.na(x)) "null" else sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ", "), "]")
mat <- function(rows) paste0("[", paste(vapply(rows, vec, ""), collapse = ", "), "]")
str <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
as_matrix <- function(rows) do.call(rbind, rows)

fisher_json <- function(case) {
  x <- as_matrix(case$rows)
  storage.mode(x) <- "integer"
  p <- fisher.test(x, workspace = 2e8)$p.value
  sprintf("    {\"name\": %s, \"table\": %s, \"p_value\": {\"r\": %s}}",
          str(case$name), mat(case$rows), num(p))
}

adjust_json <- function(case) {
  sprintf(paste0("    {\"name\": %s, \"p\": %s, \"holm\": {\"r\": %s}, \"bh\": {\"r\": %s}}"),
          str(case$name), vec(case$p), vec(p.adjust(case$p, "holm")), vec(p.adjust(case$p, "BH")))
}

pearson_json <- function(case) {
  x <- as_matrix(case$rows)
  x <- x[rowSums(x) > 0, colSums(x) > 0, drop = FALSE]
  test <- suppressWarnings(chisq.test(x, correct = FALSE))
  sprintf("    {\"name\": %s, \"table\": %s, \"r\": {\"statistic\": %s, \"df\": %s}}",
          str(case$name), mat(case$rows), num(unname(test$statistic)), num(unname(test$parameter)))
}

section <- function(cases, f) paste(vapply(cases, f, ""), collapse = ",\n")

json <- paste0(
  "{\n",
  "  \"generated_by\": {\"r\": {\"version\": ", str(R.version.string), ", \"command\": ", str(command), "}},\n",
  "  \"fisher\": [\n", section(fisher_cases, fisher_json), "\n  ],\n",
  "  \"adjust\": [\n", section(adjust_cases, adjust_json), "\n  ],\n",
  "  \"pearson\": [\n", section(pearson_cases, pearson_json), "\n  ]\n",
  "}\n")
dir.create(dirname(out_path), recursive = TRUE, showWarnings = FALSE)
writeLines(json, out_path, sep = "")
cat("wrote", out_path, "\n")
