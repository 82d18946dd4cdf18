//! Predictive churn: labels and out-of-time data sets, logistic regression, gradient-boosted
//! trees, metrics and per-customer explanations.
