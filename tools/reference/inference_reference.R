#!/usr/bin/env Rscript
# Reference values from R's `survey` package for the inference part of doe_democratie.
#
# Run from the repository root:
#     python3 tools/reference/make_frame.py            # only if the frame must be rebuilt
#     python3 /work/shared/bench/gen.py 100000 --out /tmp/bench100k
#     Rscript tools/reference/inference_reference.R
#
# Inputs : data/doe_democratie_2013_reconstructed.csv, tests/data/inference/frame_2013_synthetic.csv,
#          $BENCH_DIR/survey_100000.csv and population_100000.csv (BENCH_DIR defaults to /tmp/bench100k)
# Outputs: tests/data/inference/{reference_2013.csv, reference_2013_tests.csv, raked_weights.csv,
#          workload_100000_r.csv, README.md}
#
# The outputs are committed so that Rust and Python tests can compare against R without R in CI.
# Everything is deterministic: no random numbers, fixed orderings, floats printed with 17 digits.
# Only base R and `survey` are used, so the script runs wherever r-cran-survey is installed.

suppressPackageStartupMessages(library(survey))

OUT_DIR <- file.path("tests", "data", "inference")
DATA_CSV <- file.path("data", "doe_democratie_2013_reconstructed.csv")
FRAME_CSV <- file.path(OUT_DIR, "frame_2013_synthetic.csv")
README_BODY <- file.path("tools", "reference", "inference_README_body.md")
BENCH_DIR <- Sys.getenv("BENCH_DIR", "/tmp/bench100k")
BENCH_N <- 100000

# ---------------------------------------------------------------------------------------------
# Instrument facts. They mirror src/instrument/doe_democratie_2013.json; they are written out here
# because only base R + survey may be assumed (no JSON parser).
# ---------------------------------------------------------------------------------------------
SIZE_CLASSES <- c("lt_20k", "20k_50k", "50k_100k", "100k_plus")
GROUPS <- c("all", SIZE_CLASSES)
SIZE_BOUNDS <- c(0, 20000, 50000, 100000)             # lower-inclusive minima
PROVINCES <- c("groningen", "fryslan", "drenthe", "overijssel", "flevoland", "gelderland",
               "utrecht", "noord_holland", "zuid_holland", "zeeland", "noord_brabant", "limburg")
# The published 2013 design: 408 municipalities, 20k_50k and 50k_100k form one stratum.
STRATUM_OF <- c(lt_20k = "lt_20k", `20k_50k` = "20k_100k", `50k_100k` = "20k_100k",
                `100k_plus` = "100k_plus")
STRATA <- c("lt_20k", "20k_100k", "100k_plus")
STRATUM_N <- c(lt_20k = 142, `20k_100k` = 239, `100k_plus` = 27)
FRAME_N <- sum(STRATUM_N)

# Per question: the substantive categories (code -> id), the missing codes that count in the base,
# and which consolidation the integer ("median") policy uses.
QUESTIONS <- list(
  forms_occurrence = list(
    categories = c(yes = 1, no = 2), base_missing = c(dont_know = 9), integer_rule = "any_yes",
    shares = list(yes = 1, dont_know = 9),                     # reported shares (codes)
    chisq = list(yes = 1, no = 2, dont_know = 9)),             # columns of the tested table
  attention_level = list(
    categories = c(much = 1, considerable = 2, some = 3, none_or_hardly = 4),
    base_missing = integer(0), integer_rule = "median",
    shares = list(much = 1, considerable = 2, some = 3, none_or_hardly = 4),
    chisq = list(much = 1, considerable = 2, some = 3, none_or_hardly = 4)),
  strategy_use = list(
    categories = c(often = 1, regularly = 2, sometimes = 3, not_at_all = 4),
    base_missing = integer(0), integer_rule = "median",
    shares = list(top2 = c(1, 2)),
    chisq = list(top2 = c(1, 2), not_top2 = c(3, 4)),
    mean = TRUE, trend = TRUE)
)
FLAG_QUESTION <- "support_provider"

Z975 <- qnorm(0.975)

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------
# Writes the rows as CSV: floats with 17 significant digits (they round-trip a double exactly),
# `na` for missing values and, when `na` is empty, "NaN" for undefined results.
write_rows <- function(rows, path, na = "NA") {
  df <- do.call(rbind.data.frame, c(rows, stringsAsFactors = FALSE, make.row.names = FALSE))
  cols <- lapply(df, function(col) {
    if (is.numeric(col)) {
      s <- sprintf("%.17g", col)
      s[is.na(col)] <- na
      s[is.nan(col)] <- if (na == "") "NaN" else na
      s
    } else {
      s <- as.character(col)
      s[is.na(col)] <- na
      s
    }
  })
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  writeLines(lines, path, useBytes = TRUE)
  cat(sprintf("wrote %s: %d rows\n", path, nrow(df)))
  invisible(df)
}

size_class_of <- function(inhabitants) {
  SIZE_CLASSES[findInterval(inhabitants, SIZE_BOUNDS)]
}

# Largest absolute difference seen by each cross-check; reported at the end and in the README.
CHECKS <- new.env()
check <- function(name, a, b, tol) {
  d <- max(abs(a - b), 0, na.rm = TRUE)
  if (any(is.na(a) != is.na(b))) stop(sprintf("check %s: NA pattern differs", name))
  CHECKS[[name]] <- max(CHECKS[[name]], d)
  if (d > tol) stop(sprintf("check %s failed: difference %g > %g", name, d, tol))
}

# ---------------------------------------------------------------------------------------------
# Data (a): the 2013 reconstruction
# ---------------------------------------------------------------------------------------------
read_respondents <- function(path) {
  # Empty cells are unanswered items (NA); codes are integers.
  d <- read.csv(path, colClasses = "character", na.strings = "", check.names = FALSE,
                encoding = "UTF-8")
  used <- paste0("^(", paste(c(names(QUESTIONS), FLAG_QUESTION), collapse = "|"), ")\\.")
  for (col in grep(used, names(d), value = TRUE)) {
    stopifnot(all(grepl("^[0-9]+$", na.omit(d[[col]]))))
    d[[col]] <- as.integer(d[[col]])
  }
  d$size_class <- factor(d$size_class, levels = SIZE_CLASSES)
  d
}

municipalities_of <- function(resp) {
  # One row per sampled municipality (the primary sampling unit), in code order.
  m <- resp[!duplicated(resp$municipality),
            c("municipality", "municipality_name", "inhabitants", "size_class", "province")]
  m <- m[order(m$municipality), ]
  rownames(m) <- NULL
  m$inhabitants <- as.numeric(m$inhabitants)
  stopifnot(identical(as.character(m$size_class), size_class_of(m$inhabitants)))
  m$stratum <- factor(STRATUM_OF[as.character(m$size_class)], levels = STRATA)
  m$N <- FRAME_N
  m$N_h <- unname(STRATUM_N[as.character(m$stratum)])
  m$nresp <- tabulate(match(resp$municipality, m$municipality), nbins = nrow(m))
  m
}

items_of <- function(resp, question) {
  sub(paste0("^", question, "\\."), "", grep(paste0("^", question, "\\."), names(resp), value = TRUE))
}

# --- consolidation (unit municipality) --------------------------------------------------------

# `split`: the municipality's k in-base respondents each carry 1/k. Returns the base indicator b
# (0/1 per municipality), the in-base flag per respondent and k, and share(codes) giving the
# fractional share of the given codes (0 outside the base, because survey multiplies the values of
# zero-weight rows by 0 and NA * 0 would poison the sums).
consolidate_split <- function(x, m_idx, n_mun, base_codes) {
  in_base <- !is.na(x) & x %in% base_codes
  k <- tabulate(m_idx[in_base], nbins = n_mun)
  share <- function(codes) {
    hits <- tabulate(m_idx[in_base & x %in% codes], nbins = n_mun)
    ifelse(k > 0, hits / k, 0)
  }
  list(b = as.numeric(k > 0), k = k, in_base = in_base, share = share)
}

# `median` (integer policy): floor(median(substantive codes)) -- an even count gives the floor of
# the mean of the two middle codes -- or, for forms_occurrence, `any_yes`: 1 if anyone says 1,
# else 2 if anyone says 2, else 9 (in base) if anyone says 9. NA = not in the base.
consolidate_integer <- function(x, m_idx, n_mun, q) {
  code <- rep(NA_real_, n_mun)
  for (j in seq_len(n_mun)) {
    v <- x[m_idx == j & !is.na(x)]
    if (q$integer_rule == "median") {
      v <- v[v %in% q$categories]
      if (length(v)) code[j] <- floor(median(v))
    } else {
      for (c in c(1, 2, 9)) if (any(v == c)) { code[j] <- c; break }
    }
  }
  share <- function(codes) as.numeric(!is.na(code) & code %in% codes)
  list(b = as.numeric(!is.na(code)), code = code, share = share)
}

# ---------------------------------------------------------------------------------------------
# Designs on municipality rows
# ---------------------------------------------------------------------------------------------
read_frame <- function(path) {
  f <- read.csv(path, colClasses = c("character", "character", "numeric", "character"),
                encoding = "UTF-8")
  stopifnot(identical(names(f), c("code", "name", "inhabitants", "province")), nrow(f) == FRAME_N)
  f$size_class <- factor(size_class_of(f$inhabitants), levels = SIZE_CLASSES)
  f
}

# rake() cannot use a population category with no sampled unit (postStratify stops with "Some
# strata absent from sample"); the frame has provinces (zeeland) without sampled municipalities.
# Such a province is merged into the next province in instrument order (wrapping) that has one.
province_margin_map <- function(sampled_provinces) {
  map <- setNames(PROVINCES, PROVINCES)
  for (p in PROVINCES) {
    if (p %in% sampled_provinces) next
    i <- match(p, PROVINCES)
    for (step in seq_along(PROVINCES)) {
      cand <- PROVINCES[(i + step - 1) %% length(PROVINCES) + 1]
      if (cand %in% sampled_provinces) { map[p] <- cand; break }
    }
  }
  map
}

make_designs <- function(mun, frame) {
  srs <- svydesign(ids = ~municipality, fpc = ~N, data = mun)
  stratified <- svydesign(ids = ~municipality, strata = ~stratum, fpc = ~N_h, data = mun)
  post_stratified <- postStratify(srs, ~stratum,
                                  data.frame(stratum = STRATA, Freq = unname(STRATUM_N[STRATA])))
  size_pop <- data.frame(size_class = SIZE_CLASSES,
                         Freq = as.vector(table(frame$size_class)[SIZE_CLASSES]))
  post_stratified_4 <- postStratify(srs, ~size_class, size_pop)
  map <- province_margin_map(unique(mun$province))
  prov_pop <- as.data.frame(table(province_margin = map[frame$province]), stringsAsFactors = FALSE)
  srs_r <- srs
  srs_r$variables$province_margin <- unname(map[mun$province])
  # Raked to convergence (epsilon < 1 is relative to the weight total): the library rakes until
  # every margin holds, and R's svyrecvar then sweeps with weights equal to the final ones. R's
  # default (epsilon = 1 weight, at most 10 cycles) stops while margins are still off by ~1.
  raked <- rake(srs_r, list(~size_class, ~province_margin), list(size_pop, prov_pop),
                control = RAKE_CONTROL)
  list(designs = list(srs = srs, stratified = stratified, post_stratified = post_stratified,
                      post_stratified_4 = post_stratified_4, raked = raked),
       size_pop = size_pop, prov_pop = prov_pop, province_map = map, srs_for_rake = srs_r)
}

# rake()'s stopping rule, re-run by hand to count the iterations it performs: each iteration
# post-stratifies on size_class then on the province margin; it stops when the largest change of
# a cell of the weighted size_class x province_margin table between two iterations is below
# RAKE_CONTROL$epsilon times the weight total (epsilon < 1 is relative in rake()).
RAKE_CONTROL <- list(maxit = 100, epsilon = 1e-14, verbose = FALSE)
rake_iterations <- function(srs_r, size_pop, prov_pop, raked) {
  des <- srs_r
  old <- svytable(~size_class + province_margin, des)
  epsilon <- RAKE_CONTROL$epsilon * sum(weights(srs_r, "sampling"))
  for (iter in 1:RAKE_CONTROL$maxit) {
    des$postStrata <- NULL
    des <- postStratify(des, ~size_class, size_pop)
    des <- postStratify(des, ~province_margin, prov_pop)
    new <- svytable(~size_class + province_margin, des)
    delta <- max(abs(old - new))
    if (delta < epsilon) break
    old <- new
  }
  stopifnot(isTRUE(all.equal(weights(des), weights(raked), tolerance = 0)))
  list(iterations = iter, last_delta = delta)
}

with_y <- function(des, y, b) {
  # Columns are replaced in place; rows of design$variables stay aligned with the design.
  des$variables$y <- y
  des$variables$b <- b
  des
}

is_calibrated_design <- function(name) name %in% c("post_stratified", "post_stratified_4", "raked")

# ---------------------------------------------------------------------------------------------
# Interval formulas (by hand, checked against svyciprop where R can compute them directly)
# ---------------------------------------------------------------------------------------------
logit_ci <- function(p, se, df) {
  # svyciprop(method = "logit"): expit(logit(p) -/+ qt(.975, df) * se / (p (1 - p))).
  h <- qt(0.975, df) * se / (p * (1 - p))
  plogis(qlogis(p) + c(-h, h))
}
beta_ci <- function(p, n_eff) {
  c(qbeta(0.025, n_eff * p, n_eff * (1 - p) + 1), qbeta(0.975, n_eff * p + 1, n_eff * (1 - p)))
}
kg_ci <- function(p, se, df, n_rows) {
  n_eff <- p * (1 - p) / se^2 * (qt(0.025, n_rows - 1) / qt(0.025, df))^2
  beta_ci(p, n_eff)
}
# Wilson and Clopper-Pearson (the library's definition, docs/inference.md): binomial-equivalent
# trials m = p (1 - p) / se^2 * u / (u - 1) for u units in the domain, which is exactly u under
# simple random sampling without a correction (the textbook intervals), larger with the fpc.
trials <- function(p, se, u) p * (1 - p) / se^2 * u / (u - 1)
cp_ci <- function(p, se, u) beta_ci(p, trials(p, se, u))
wilson_ci <- function(p, se, u) {
  n <- trials(p, se, u)
  z2 <- Z975^2
  centre <- (p + z2 / (2 * n)) / (1 + z2 / n)
  half <- Z975 * sqrt(p * (1 - p) / n + z2 / (4 * n^2)) / (1 + z2 / n)
  c(centre - half, centre + half)
}

NA2 <- c(NA_real_, NA_real_)

# svyglm() inside svyciprop(method = "logit") warns about the zero-weight rows of calibrated
# subsets ("observations with zero weight not used for calculating dispersion"); the dispersion is
# not used by the interval, so exactly that warning is muffled and every other one still shows.
quiet_zero_weight <- function(expr) {
  withCallingHandlers(expr, warning = function(w) {
    if (grepl("zero weight not used for calculating dispersion", conditionMessage(w), fixed = TRUE)) {
      invokeRestart("muffleWarning")
    }
  })
}

result_row <- function(key, p, se, df, n_rows, n_domain, logit = NA2, kg = NA2, cp = NA2,
                       wilson = NA2) {
  data.frame(key, estimate = p, se = se, df = df, n_rows = n_rows,
             wald_low = p - Z975 * se, wald_high = p + Z975 * se,
             logit_low = logit[1], logit_high = logit[2], kg_low = kg[1], kg_high = kg[2],
             cp_low = cp[1], cp_high = cp[2], wilson_low = wilson[1], wilson_high = wilson[2],
             n_domain = n_domain, stringsAsFactors = FALSE)
}

# A share of a municipality-unit item in one domain. R's own svyciprop gives logit and kg; cp and
# wilson are computed from svymean's p and se (svyciprop(method = "beta") ignores its df argument,
# so "df = Inf" cannot produce Clopper-Pearson). Intervals are NA when every domain value is equal
# (p = 0 or 1, se = 0): n_eff = p (1 - p) / se^2 is then 0/0.
municipality_share <- function(key, des, sel, y, b) {
  dsub <- with_y(des, y, b)[sel, ]
  m <- svymean(~y, dsub)
  p <- unname(coef(m)); se <- unname(SE(m))
  df <- degf(dsub); n_rows <- nrow(dsub)
  if (key$measure == "mean") {
    return(result_row(key, p, se, df, n_rows, sum(sel)))
  }
  if (length(unique(y[sel])) == 1) {
    return(result_row(key, p, se, df, n_rows, sum(sel)))
  }
  lg <- quiet_zero_weight(svyciprop(~y, dsub, method = "logit"))
  kg <- svyciprop(~y, dsub, method = "beta")
  kg_inf <- svyciprop(~y, dsub, method = "beta", df = Inf)
  stopifnot(identical(attr(kg, "ci"), attr(kg_inf, "ci")))      # df is ignored by "beta"
  check("svyciprop beta estimate = svymean", as.numeric(kg), p, 0)
  check("svyciprop logit estimate = svymean", as.numeric(lg), p, 1e-7)
  check("svyciprop logit ci = closed form", unname(attr(lg, "ci")), logit_ci(p, se, df), 1e-7)
  check("svyciprop beta ci = closed form", unname(attr(kg, "ci")), kg_ci(p, se, df, n_rows), 1e-12)
  U <- sum(sel)
  result_row(key, p, se, df, n_rows, sum(sel), logit = unname(attr(lg, "ci")),
             kg = unname(attr(kg, "ci")), cp = cp_ci(p, se, U), wilson = wilson_ci(p, se, U))
}

# A share of respondents with a flag. The ratio estimator sum(w flag) / sum(w) over respondents is
# svyratio(~mentions, ~respondents) on municipality rows; this form carries the calibration of the
# municipality weights (post-stratification / raking residualise municipality totals). For the
# uncalibrated designs R can also run svymean / svyciprop on respondent rows with
# ids = ~municipality: those results are used (and must equal the ratio). For calibrated designs
# the svyciprop formulas are applied by hand with n_rows = all respondent rows (126), which is what
# nrow() of a calibrated subset of a respondent-row design would be.
respondent_share <- function(key, des, sel, mentions, rdes, rsel, flag, calibrated, n_resp_total) {
  des$variables$mentions <- mentions
  dsub <- des[sel, ]
  r <- svyratio(~mentions, ~nresp, dsub)
  p <- unname(coef(r)); se <- unname(SE(r)); df <- degf(dsub)
  if (!calibrated) {
    rdes$variables$y <- flag
    rsub <- rdes[rsel, ]
    m <- svymean(~y, rsub)
    check("respondent svymean = municipality svyratio (estimate)", unname(coef(m)), p, 1e-12)
    check("respondent svymean = municipality svyratio (se)", unname(SE(m)), se, 1e-12)
    stopifnot(degf(rsub) == df)
    n_rows <- nrow(rsub)
    if (length(unique(flag[rsel])) == 1) {
      return(result_row(key, p, se, df, n_rows, sum(rsel)))
    }
    lg <- quiet_zero_weight(svyciprop(~y, rsub, method = "logit"))
    kg <- svyciprop(~y, rsub, method = "beta")
    check("svyciprop logit ci = closed form", unname(attr(lg, "ci")), logit_ci(p, se, df), 1e-7)
    check("svyciprop beta ci = closed form", unname(attr(kg, "ci")), kg_ci(p, se, df, n_rows), 1e-12)
    U <- sum(rsel)
    return(result_row(key, p, se, df, n_rows, sum(rsel), logit = unname(attr(lg, "ci")),
                      kg = unname(attr(kg, "ci")), cp = cp_ci(p, se, U), wilson = wilson_ci(p, se, U)))
  }
  n_rows <- n_resp_total
  if (length(unique(flag[rsel])) == 1) {
    return(result_row(key, p, se, df, n_rows, sum(rsel)))
  }
  U <- sum(rsel)
  result_row(key, p, se, df, n_rows, sum(rsel), logit = logit_ci(p, se, df),
             kg = kg_ci(p, se, df, n_rows), cp = cp_ci(p, se, U), wilson = wilson_ci(p, se, U))
}

group_selector <- function(size_class, g) {
  if (g == "all") rep(TRUE, length(size_class)) else size_class == g
}

reference_estimates <- function(resp, mun, ds) {
  n_mun <- nrow(mun)
  m_idx <- match(resp$municipality, mun$municipality)
  rows <- list()
  add <- function(r) rows[[length(rows) + 1]] <<- r
  for (dname in names(ds)) {
    des <- ds[[dname]]
    for (qname in names(QUESTIONS)) {
      q <- QUESTIONS[[qname]]
      base_codes <- c(q$categories, q$base_missing)
      for (item in items_of(resp, qname)) {
        x <- resp[[paste0(qname, ".", item)]]
        for (policy in c("split", "median")) {
          con <- if (policy == "split") consolidate_split(x, m_idx, n_mun, base_codes)
                 else consolidate_integer(x, m_idx, n_mun, q)
          outputs <- lapply(q$shares, function(codes) list(measure = "share", y = con$share(codes)))
          if (isTRUE(q$mean)) {
            score <- if (policy == "split") Reduce(`+`, lapply(q$categories, function(c) c * con$share(c)))
                     else ifelse(is.na(con$code), 0, con$code)
            outputs$mean <- list(measure = "mean", y = score)
          }
          for (cat_id in names(outputs)) {
            for (g in GROUPS) {
              sel <- con$b == 1 & group_selector(mun$size_class, g)
              key <- data.frame(design = dname, policy = policy, question = qname, item = item,
                                group = g, category = cat_id, measure = outputs[[cat_id]]$measure,
                                stringsAsFactors = FALSE)
              add(municipality_share(key, des, sel, outputs[[cat_id]]$y, con$b))
            }
          }
        }
      }
    }
    # Respondent-unit multi-select flags: every respondent of the group is in the base.
    calibrated <- is_calibrated_design(dname)
    rdes <- NULL
    if (!calibrated) {
      rdes <- if (dname == "srs") svydesign(ids = ~municipality, fpc = ~N, data = resp_design_data(resp, mun))
              else svydesign(ids = ~municipality, strata = ~stratum, fpc = ~N_h,
                             data = resp_design_data(resp, mun))
    }
    for (item in items_of(resp, FLAG_QUESTION)) {
      flag <- resp[[paste0(FLAG_QUESTION, ".", item)]]
      stopifnot(!anyNA(flag), all(flag %in% c(0, 1)))
      mentions <- tabulate(m_idx[flag == 1], nbins = n_mun)
      for (g in GROUPS) {
        key <- data.frame(design = dname, policy = "none", question = FLAG_QUESTION, item = item,
                          group = g, category = "mentioned", measure = "share",
                          stringsAsFactors = FALSE)
        add(respondent_share(key, des, group_selector(mun$size_class, g), mentions, rdes,
                             group_selector(resp$size_class, g), flag, calibrated, nrow(resp)))
      }
    }
  }
  rows
}

resp_design_data <- function(resp, mun) {
  # Respondent rows carrying their municipality's design variables.
  i <- match(resp$municipality, mun$municipality)
  data.frame(municipality = resp$municipality, size_class = resp$size_class,
             stratum = mun$stratum[i], N = mun$N[i], N_h = mun$N_h[i], stringsAsFactors = FALSE)
}

# ---------------------------------------------------------------------------------------------
# Tests: Rao-Scott chi-square (size class x category) and the linear trend of top2
# ---------------------------------------------------------------------------------------------
base_weight <- function(dname, mun) {
  # The municipality weight before calibration (post_stratified starts from srs).
  if (dname == "stratified") mun$N_h / tabulate(as.integer(mun$stratum), 3)[as.integer(mun$stratum)]
  else rep(FRAME_N / nrow(mun), nrow(mun))
}

# Respondent rows for `split`: an in-base respondent carries w_m / k_m, so each municipality's rows
# add up to the same cluster totals as its fractional municipality row. The respondents of a
# municipality with k_m = 0 share w_m, so every sampled municipality stays in the design (fpc, n,
# post-stratum totals). Out-of-base respondents of a municipality with k_m > 0 are left out rather
# than given weight 0: svyrecvar() resets a zero post-stratified weight to 1 ("psw[zeroes] = 1")
# and would then give such a row the residual -mean(post-stratum), which changes the variance.
split_respondent_design <- function(dname, resp, mun, con, m_idx, category) {
  w_m <- base_weight(dname, mun)
  k <- con$k[m_idx]
  keep <- con$in_base | k == 0
  w <- ifelse(con$in_base, w_m[m_idx] / k, w_m[m_idx] / mun$nresp[m_idx])
  dat <- resp_design_data(resp, mun)
  dat$w <- w
  dat$b <- as.numeric(con$in_base)
  dat$cat <- category
  dat <- dat[keep, ]
  dat$cat <- droplevels(dat$cat)
  des <- switch(dname,
    srs = svydesign(ids = ~municipality, weights = ~w, fpc = ~N, data = dat),
    stratified = svydesign(ids = ~municipality, strata = ~stratum, weights = ~w, fpc = ~N_h, data = dat),
    post_stratified = postStratify(svydesign(ids = ~municipality, weights = ~w, fpc = ~N, data = dat),
                                   ~stratum, data.frame(stratum = STRATA, Freq = unname(STRATUM_N[STRATA]))))
  des[dat$b == 1, ]
}

# Categories as a factor in instrument order, NA outside the base. Callers drop unused levels:
# svychisq() counts the categories present (unique non-NA values) but tabulates with svytable(),
# which keeps every factor level, so an empty level (policy_professionals has no
# "none_or_hardly") would give a zero column, a zero expected count and X^2 = NaN.
category_factor <- function(codes, chisq_cats) {
  out <- rep(NA_character_, length(codes))
  for (cid in names(chisq_cats)) out[!is.na(codes) & codes %in% chisq_cats[[cid]]] <- cid
  factor(out, levels = names(chisq_cats))
}

rao_scott <- function(dsub) {
  f <- svychisq(~size_class + cat, dsub, statistic = "F")
  c1 <- svychisq(~size_class + cat, dsub, statistic = "Chisq")
  data.frame(rs2_f = unname(f$statistic), rs2_ndf = unname(f$parameter["ndf"]),
             rs2_ddf = unname(f$parameter["ddf"]), rs2_p = f$p.value,
             rs1_chisq = unname(c1$statistic), rs1_df = unname(c1$parameter["df"]),
             rs1_p = c1$p.value,
             # N that svychisq rescales the weighted table to, and its nu (ddf = ndf * nu).
             chisq_n = nrow(dsub$variables),
             chisq_nu = length(unique(dsub$cluster[, 1])) - length(unique(dsub$strata[, 1])))
}

# Linear trend -3, -1, 1, 3 over the ordered size classes of the domain means of y among the base.
# The call asked for is svyby(~y, ~size_class, dsub, svymean, covmat = TRUE) + svycontrast(), but in
# survey 4.1.1 svyby.survey.design2(covmat = TRUE) stops on calibrated designs ("number of items to
# replace is not a multiple of replacement length": a calibrated subset keeps every row, so the
# influence matrix of a group has more rows than the group's index). The same covariance comes
# from svyratio(covmat = TRUE) of y * 1[class g] over 1[class g]: its linearised variables are the
# influence functions svyby stacks. svyby is used where it works and must agree with svyratio.
trend <- function(des, y, b, calibrated) {
  contrast <- c(-3, -1, 1, 3)
  dsub <- with_y(des, y, b)[b == 1, ]
  v <- dsub$variables
  for (j in seq_along(SIZE_CLASSES)) {
    in_g <- as.numeric(v$size_class == SIZE_CLASSES[j])
    dsub$variables[[paste0("num", j)]] <- v$y * in_g
    dsub$variables[[paste0("den", j)]] <- in_g
  }
  r <- svyratio(~num1 + num2 + num3 + num4, ~den1 + den2 + den3 + den4, dsub, covmat = TRUE)
  diag_idx <- (seq_along(SIZE_CLASSES) - 1) * length(SIZE_CLASSES) + seq_along(SIZE_CLASSES)
  est <- as.vector(r$ratio)[diag_idx]
  vc <- r$vcov[diag_idx, diag_idx]
  out <- c(sum(contrast * est), sqrt(drop(t(contrast) %*% vc %*% contrast)))
  if (!calibrated) {
    by <- svyby(~y, ~size_class, dsub, svymean, covmat = TRUE)
    stopifnot(identical(as.character(by$size_class), SIZE_CLASSES))
    ct <- svycontrast(by, contrast)
    check("trend svyby = svyratio (estimate)", unname(coef(ct)), out[1], 1e-12)
    check("trend svyby = svyratio (se)", unname(SE(ct)), out[2], 1e-12)
    out <- c(unname(coef(ct)), unname(SE(ct)))
  }
  out
}

reference_tests <- function(resp, mun, ds) {
  n_mun <- nrow(mun)
  m_idx <- match(resp$municipality, mun$municipality)
  rows <- list()
  for (dname in c("srs", "stratified", "post_stratified")) {
    des <- ds[[dname]]
    for (qname in names(QUESTIONS)) {
      q <- QUESTIONS[[qname]]
      base_codes <- c(q$categories, q$base_missing)
      for (item in items_of(resp, qname)) {
        x <- resp[[paste0(qname, ".", item)]]
        for (policy in c("split", "median")) {
          if (policy == "split") {
            con <- consolidate_split(x, m_idx, n_mun, base_codes)
            cat_r <- category_factor(ifelse(con$in_base, x, NA), q$chisq)
            rsub <- split_respondent_design(dname, resp, mun, con, m_idx, cat_r)
            rs <- rao_scott(rsub)
            # The respondent rows must reproduce the fractional municipality rows exactly.
            for (cid in names(q$chisq)) {
              msub <- with_y(des, con$share(q$chisq[[cid]]), con$b)[con$b == 1, ]
              rsub$variables$ind <- as.numeric(!is.na(rsub$variables$cat) & rsub$variables$cat == cid)
              a <- svymean(~y, msub); r <- svymean(~ind, rsub)
              check("split respondent rows = municipality rows (estimate)", coef(r), coef(a), 1e-12)
              check("split respondent rows = municipality rows (se)", SE(r), SE(a), 1e-12)
            }
          } else {
            con <- consolidate_integer(x, m_idx, n_mun, q)
            d2 <- with_y(des, 0, con$b)
            d2$variables$cat <- droplevels(category_factor(con$code, q$chisq))
            rs <- rao_scott(d2[con$b == 1, ])
          }
          tr <- if (isTRUE(q$trend)) trend(des, con$share(q$shares$top2), con$b, is_calibrated_design(dname)) else NA2
          rows[[length(rows) + 1]] <- data.frame(
            design = dname, policy = policy, question = qname, item = item, rs,
            trend_estimate = tr[1], trend_se = tr[2], stringsAsFactors = FALSE)[,
            c("design", "policy", "question", "item", "rs2_f", "rs2_ndf", "rs2_ddf", "rs2_p",
              "rs1_chisq", "rs1_df", "rs1_p", "trend_estimate", "trend_se", "chisq_n", "chisq_nu")]
        }
      }
    }
  }
  rows
}

# ---------------------------------------------------------------------------------------------
# Data (b): benchmark workload, WORKLOAD.md steps a, d, e
# ---------------------------------------------------------------------------------------------
BENCH_SIZE_CLASSES <- c("lt20k", "20k_50k", "50k_100k", "gt100k")
ORDINAL_ITEMS <- unlist(lapply(list(c("att", 4), c("chg", 4), c("strat", 15), c("chal", 14),
                                    c("need", 9)),
                               function(p) paste0(p[1], "_", seq_len(as.integer(p[2])))))

# Step a for the ordinal items: floor(median(non-9 answers)) per municipality, 9 when all are 9.
# Vectorised: sort by (municipality, code) with 9s turned into NA and last, then the median is the
# mean of the two middle valid codes (the same code twice for an odd count).
consolidate_ordinal <- function(mid, x) {
  v <- ifelse(x == 9, NA, x)
  o <- order(mid, v, na.last = TRUE)
  mid_s <- mid[o]; v_s <- v[o]
  first <- !duplicated(mid_s)
  start <- which(first)
  ids <- mid_s[first]
  n_valid <- as.vector(tapply(!is.na(v_s), factor(mid_s, levels = ids), sum))
  # Offsets are clamped at 0 so that a municipality without valid codes indexes its own first row
  # (an NA, replaced by 9 below) instead of row start - 1.
  lo <- start + pmax((n_valid + 1) %/% 2 - 1, 0)
  hi <- start + pmax((n_valid + 2) %/% 2 - 1, 0)
  stopifnot(length(lo) == length(ids), length(hi) == length(ids))
  med <- ifelse(n_valid > 0, floor((v_s[lo] + v_s[hi]) / 2), 9)
  setNames(med, ids)
}

read_bench <- function(dir, n) {
  path <- file.path(dir, sprintf("survey_%d.csv", n))
  if (!file.exists(path)) {
    stop(sprintf("%s not found: run `python3 /work/shared/bench/gen.py %d --out %s` first", path, n, dir))
  }
  cls <- c(municipality_id = "integer", size_class = "character", province = "character")
  d <- read.csv(path, colClasses = cls)
  pop <- read.csv(file.path(dir, sprintf("population_%d.csv", n)), colClasses = c("character", "numeric"))
  list(resp = d, pop = pop, path = path)
}

bench_municipalities <- function(resp) {
  ids <- sort(unique(resp$municipality_id))
  first <- match(ids, resp$municipality_id)
  stopifnot(all(tapply(resp$size_class, resp$municipality_id, function(s) length(unique(s))) == 1))
  mun <- data.frame(municipality_id = ids,
                    size_class = factor(resp$size_class[first], levels = BENCH_SIZE_CLASSES))
  for (item in ORDINAL_ITEMS) {
    med <- consolidate_ordinal(resp$municipality_id, resp[[item]])
    mun[[item]] <- unname(med[as.character(ids)])
  }
  mun
}

workload_rows <- function(mun, pop) {
  pop_df <- data.frame(size_class = pop$size_class, Freq = pop$N_h)
  mun$fpc <- sum(pop$N_h)
  # WORKLOAD.md step e: SRS without replacement of municipalities, post-stratified on size class.
  des <- postStratify(svydesign(ids = ~1, fpc = ~fpc, data = mun), ~size_class, pop_df)
  rows <- list()
  blank <- data.frame(estimate = NA, se = NA, ci_low = NA, ci_high = NA, statistic = NA,
                      df = NA, p_value = NA)
  for (section in c("chisq", "wtop2")) {
    for (item in ORDINAL_ITEMS) {
      x <- mun[[item]]
      valid <- x != 9
      top2 <- x %in% c(1, 2)
      n <- sum(valid); count <- sum(valid & top2)
      row <- data.frame(section = section, item = item, group = "all", category = "top2",
                        n = n, count = count, pct = count / n * 100, blank, stringsAsFactors = FALSE)
      if (section == "chisq") {
        # Step d: unweighted Pearson chi-square of size_class x top2 among valid answers.
        tab <- table(factor(mun$size_class[valid], levels = BENCH_SIZE_CLASSES),
                     factor(top2[valid], levels = c(TRUE, FALSE)))
        ct <- suppressWarnings(chisq.test(tab, correct = FALSE))
        row$df <- unname(ct$parameter)
        if (any(ct$expected == 0)) {
          row$statistic <- NaN; row$p_value <- NaN
        } else {
          row$statistic <- unname(ct$statistic); row$p_value <- ct$p.value
        }
      } else {
        d2 <- des
        d2$variables$x_t2 <- as.numeric(top2)
        m <- svymean(~x_t2, d2[valid, ])
        ci <- confint(m)
        row$estimate <- unname(coef(m)); row$se <- unname(SE(m))
        row$ci_low <- ci[1, 1]; row$ci_high <- ci[1, 2]
      }
      rows[[length(rows) + 1]] <- row
    }
  }
  rows
}

# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
main <- function() {
  started <- Sys.time()
  r_version <- R.version.string
  survey_version <- as.character(packageVersion("survey"))
  cat(r_version, "\n", "survey ", survey_version, "\n", sep = "")

  resp <- read_respondents(DATA_CSV)
  mun <- municipalities_of(resp)
  frame <- read_frame(FRAME_CSV)
  stopifnot(all(mun$municipality %in% frame$code))
  built <- make_designs(mun, frame)
  ds <- built$designs
  rk <- rake_iterations(built$srs_for_rake, built$size_pop, built$prov_pop, ds$raked)
  cat(sprintf("rake(): %d iterations, last max cell change %.6g\n", rk$iterations, rk$last_delta))

  write_rows(list(data.frame(municipality = mun$municipality, weight = weights(ds$raked))),
             file.path(OUT_DIR, "raked_weights.csv"))
  est <- write_rows(reference_estimates(resp, mun, ds), file.path(OUT_DIR, "reference_2013.csv"))
  tst <- write_rows(reference_tests(resp, mun, ds), file.path(OUT_DIR, "reference_2013_tests.csv"))

  bench <- read_bench(BENCH_DIR, BENCH_N)
  bmun <- bench_municipalities(bench$resp)
  wl <- write_rows(workload_rows(bmun, bench$pop), file.path(OUT_DIR, sprintf("workload_%d_r.csv", BENCH_N)),
                   na = "")

  checks <- paste(sprintf("  - %s: max |difference| %.3g", ls(CHECKS), unlist(mget(ls(CHECKS), CHECKS))),
                  collapse = "\n")
  header <- c(
    "# Reference values from R `survey` for the inference tests",
    "",
    "Generated by `Rscript tools/reference/inference_reference.R` (run from the repository root), with",
    sprintf("%s and survey %s. Do not edit by hand; rerun the script.", r_version, survey_version),
    "",
    "```",
    "python3 tools/reference/make_frame.py",
    sprintf("python3 /work/shared/bench/gen.py %d --out %s", BENCH_N, BENCH_DIR),
    "Rscript tools/reference/inference_reference.R",
    "```",
    "",
    sprintf("- survey options: survey.lonely.psu = \"%s\", survey.adjust.domain.lonely = %s, survey.ultimate.cluster = %s (defaults).",
            getOption("survey.lonely.psu"), getOption("survey.adjust.domain.lonely"), getOption("survey.ultimate.cluster")),
    sprintf("- rake(): %d iterations (stopped when the largest cell change of the weighted size_class x province_margin table was %.6g < 1e-14 x the weight total).",
            rk$iterations, rk$last_delta),
    sprintf("- raking margins: size_class %s; province_margin %s (zeeland has no sampled municipality and is merged into %s).",
            paste(sprintf("%s=%d", built$size_pop$size_class, built$size_pop$Freq), collapse = " "),
            paste(sprintf("%s=%d", built$prov_pop$province_margin, built$prov_pop$Freq), collapse = " "),
            built$province_map[["zeeland"]]),
    sprintf("- benchmark data: `%s`: %d respondents, %d municipalities; population_%d.csv: %s (total %d).",
            bench$path, nrow(bench$resp), nrow(bmun), BENCH_N,
            paste(sprintf("%s=%d", bench$pop$size_class, as.integer(bench$pop$N_h)), collapse = " "),
            as.integer(sum(bench$pop$N_h))),
    sprintf("- rows: reference_2013.csv %d, reference_2013_tests.csv %d, raked_weights.csv %d, workload_%d_r.csv %d.",
            nrow(est), nrow(tst), nrow(mun), BENCH_N, nrow(wl)),
    "- cross-checks run by the script (largest absolute difference seen):",
    checks,
    "")
  body <- readLines(README_BODY, encoding = "UTF-8")
  writeLines(c(header, body), file.path(OUT_DIR, "README.md"), useBytes = TRUE)
  cat(checks, "\n")
  cat(sprintf("done in %.1f s\n", as.numeric(difftime(Sys.time(), started, units = "secs"))))
}

main()
