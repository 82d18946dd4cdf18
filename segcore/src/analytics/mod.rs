//! Retention analytics on top of segments, CLV and churn: cart funnel, cohorts, channel value,
//! experiments, recommendations, next best action and privacy-safe outputs.
