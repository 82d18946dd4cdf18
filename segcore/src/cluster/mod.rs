//! Segmentation: feature scaling, k-means, mixtures, quality metrics, choosing k, RFM segments
//! and segment profiles.
