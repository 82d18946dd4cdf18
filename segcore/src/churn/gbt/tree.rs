//! A fitted regression tree on raw feature values (the predictor side of the booster).

use serde::{Deserialize, Serialize};

/// One node of a fitted tree. Internal nodes send `x[feature] <= threshold` left and missing
/// values (NaN) left when `missing_left`; leaves carry `value` (already shrunk by the
/// learning rate).
///
/// ```
/// use segcore::churn::gbt::Node;
/// let n = Node { leaf: false, feature: 0, threshold: 2.5, missing_left: true, left: 1, right: 2,
///     value: 0.0, count: 10, gain: 1.0 };
/// assert_eq!((n.child(1.0), n.child(3.0), n.child(f64::NAN)), (1, 2, 1));
/// ```
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
///
/// ```
/// use segcore::churn::gbt::{Node, Tree};
/// let leaf = |value, count| Node { leaf: true, feature: 0, threshold: 0.0, missing_left: false,
///     left: 0, right: 0, value, count, gain: 0.0 };
/// let root = Node { leaf: false, feature: 0, threshold: 2.5, missing_left: false, left: 1,
///     right: 2, value: 0.0, count: 4, gain: 1.0 };
/// let t = Tree { nodes: vec![root, leaf(-1.0, 3), leaf(1.0, 1)] };
/// assert_eq!(t.predict_row(&[3.0]), 1.0);
/// assert_eq!(t.expected_value(), -0.5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes, children after their parent.
    pub nodes: Vec<Node>,
}

impl Node {
    /// The child a value goes to (see the example on [`Node`]).
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
    /// Leaf value for one row of raw features (see the example on [`Tree`]).
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

    /// Expected leaf value over the training rows (cover-weighted mean of the leaves; see the
    /// example on [`Tree`]).
    pub fn expected_value(&self) -> f64 {
        let root = f64::from(self.nodes[0].count);
        self.nodes
            .iter()
            .filter(|n| n.leaf)
            .map(|n| n.value * f64::from(n.count) / root)
            .sum()
    }
}
