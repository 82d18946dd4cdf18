//! Exact TreeSHAP (Lundberg, Erion and Lee 2018, Algorithm 2) for the fitted trees, with node
//! covers = training rows. For one row, `expected_value + sum(phi) = tree prediction`.

use super::tree::Tree;

#[derive(Debug, Clone, Copy, Default)]
struct PathElement {
    feature: isize,
    zero_fraction: f64,
    one_fraction: f64,
    pweight: f64,
}

fn extend_path(path: &mut [PathElement], depth: usize, zero: f64, one: f64, feature: isize) {
    path[depth] = PathElement {
        feature,
        zero_fraction: zero,
        one_fraction: one,
        pweight: if depth == 0 { 1.0 } else { 0.0 },
    };
    let d1 = (depth + 1) as f64;
    for i in (0..depth).rev() {
        path[i + 1].pweight += one * path[i].pweight * (i + 1) as f64 / d1;
        path[i].pweight = zero * path[i].pweight * (depth - i) as f64 / d1;
    }
}

fn unwind_path(path: &mut [PathElement], depth: usize, index: usize) {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let d1 = (depth + 1) as f64;
    let mut next_one = path[depth].pweight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = path[i].pweight;
            path[i].pweight = next_one * d1 / ((i + 1) as f64 * one);
            next_one = tmp - path[i].pweight * zero * (depth - i) as f64 / d1;
        } else {
            path[i].pweight = path[i].pweight * d1 / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

fn unwound_path_sum(path: &[PathElement], depth: usize, index: usize) -> f64 {
    let one = path[index].one_fraction;
    let zero = path[index].zero_fraction;
    let d1 = (depth + 1) as f64;
    let mut next_one = path[depth].pweight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let tmp = next_one * d1 / ((i + 1) as f64 * one);
            total += tmp;
            next_one = path[i].pweight - tmp * zero * (depth - i) as f64 / d1;
        } else if zero != 0.0 {
            total += path[i].pweight / zero / ((depth - i) as f64 / d1);
        }
    }
    total
}

#[allow(clippy::too_many_arguments)]
fn recurse(
    tree: &Tree,
    x: &[f64],
    phi: &mut [f64],
    node: usize,
    depth: usize,
    parent_path: &[PathElement],
    zero: f64,
    one: f64,
    feature: isize,
) {
    let mut path = parent_path[..depth].to_vec();
    path.resize(depth + 1, PathElement::default());
    extend_path(&mut path, depth, zero, one, feature);
    let n = &tree.nodes[node];
    if n.leaf {
        for i in 1..=depth {
            let w = unwound_path_sum(&path, depth, i);
            let el = path[i];
            phi[el.feature as usize] += w * (el.one_fraction - el.zero_fraction) * n.value;
        }
        return;
    }
    let hot = n.child(x[n.feature as usize]);
    let cold = if hot == n.left as usize {
        n.right as usize
    } else {
        n.left as usize
    };
    let cover = f64::from(n.count);
    let hot_zero = f64::from(tree.nodes[hot].count) / cover;
    let cold_zero = f64::from(tree.nodes[cold].count) / cover;
    let (mut in_zero, mut in_one) = (1.0, 1.0);
    let split_feature = n.feature as isize;
    let mut depth = depth;
    if let Some(k) = (0..=depth).find(|&k| path[k].feature == split_feature) {
        in_zero = path[k].zero_fraction;
        in_one = path[k].one_fraction;
        unwind_path(&mut path, depth, k);
        depth -= 1;
    }
    recurse(
        tree,
        x,
        phi,
        hot,
        depth + 1,
        &path,
        hot_zero * in_zero,
        in_one,
        split_feature,
    );
    recurse(
        tree,
        x,
        phi,
        cold,
        depth + 1,
        &path,
        cold_zero * in_zero,
        0.0,
        split_feature,
    );
}

/// Adds the SHAP values of `tree` for row `x` to `phi`.
pub(crate) fn tree_shap(tree: &Tree, x: &[f64], phi: &mut [f64]) {
    recurse(tree, x, phi, 0, 0, &[], 1.0, 1.0, -1);
}
