//! The end-to-end `Segmenter`: logs in, one customer table, segment profiles and fitted models out.
