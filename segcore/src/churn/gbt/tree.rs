//! A fitted regression tree on raw feature values (the predictor side of the booster).

use serde::{Deserialize, Serialize};

/// One node of a fitted tree. Internal nodes send `x[feature] <= threshold` left and missing
/// values (NaN) left when `missing_left`; leaves carry `value` (already shrunk by the
/// learning rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// `true` for a leaf.
    pub leaf: bool,
    /// Split feature (internal nodes).
    pub feature: u32,
    /// Split threshold on the raw value (internal nodes).
    pub threshold: f64,
    /// Where missing values go (internal nodes).
    pub missing_left: bool,
    /// Left child index (internal nodes).
    pub left: u32,
    /// Right child index (internal nodes).
    pub right: u32,
    /// Raw-score contribution of a leaf.
    pub value: f64,
    /// Training rows that reached the node (its cover).
    pub count: u32,
    /// Loss reduction of the split (internal nodes).
    pub gain: f64,
}

/// A fitted tree; node 0 is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes, children after their parent.
    pub nodes: Vec<Node>,
}

impl Node {
    /// The child a value goes to.
    #[inline]
    pub fn child(&self, v: f64) -> usize {
        let left = if v.is_nan() {
            self.missing_left
        } else {
            v <= self.threshold
        };
        if left {
            self.left as usize
        } else {
            self.right as usize
        }
    }
}

impl Tree {
    /// Leaf value for one row of raw features.
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let mut i = 0;
        loop {
            let n = &self.nodes[i];
            if n.leaf {
                return n.value;
            }
            i = n.child(row[n.feature as usize]);
        }
    }

    /// Expected leaf value over the training rows (cover-weighted mean of the leaves).
    pub fn expected_value(&self) -> f64 {
        let root = f64::from(self.nodes[0].count);
        self.nodes
            .iter()
            .filter(|n| n.leaf)
            .map(|n| n.value * f64::from(n.count) / root)
            .sum()
    }
}
