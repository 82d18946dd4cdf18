//! Hungarian matching, transitions and stable segment ids over snapshots.

use ndarray::{Array2, array};
use segcore::cluster::hungarian::linear_assignment;
use segcore::cluster::kmeans::KMeans;
use segcore::dynamic::{
    DynamicSegmentation, Snapshot, UpdateMode, match_segments, movers, transition_matrix,
};
use segcore::model;

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..=p.len() {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

#[test]
fn hungarian_small_cases_by_hand() {
    // classic 3x3: optimum 1 + 2 + 2 = 5 with (0,1), (1,0), (2,2)
    let c = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
    assert_eq!(
        linear_assignment(c.view()).unwrap(),
        vec![(0, 1), (1, 0), (2, 2)]
    );
    // 4x4: optimum 69 + 37 + 11 + 23 = 140 (checked by enumerating the 24 permutations)
    let c = array![
        [82.0, 83.0, 69.0, 92.0],
        [77.0, 37.0, 49.0, 92.0],
        [11.0, 69.0, 5.0, 86.0],
        [8.0, 9.0, 98.0, 23.0]
    ];
    let m = linear_assignment(c.view()).unwrap();
    assert_eq!(m, vec![(0, 2), (1, 1), (2, 0), (3, 3)]);
    let total: f64 = m.iter().map(|&(i, j)| c[[i, j]]).sum();
    assert_eq!(total, 140.0);
    // rectangular, more rows than columns: row 1 stays unmatched
    let c = array![[1.0, 9.0], [5.0, 5.0], [9.0, 1.0]];
    assert_eq!(linear_assignment(c.view()).unwrap(), vec![(0, 0), (2, 1)]);
    assert!(linear_assignment(array![[f64::NAN]].view()).is_err());
}

#[test]
fn hungarian_equals_brute_force() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
    let perms = permutations(6);
    for _ in 0..30 {
        let c = Array2::from_shape_fn((6, 6), |_| (rng.random::<f64>() * 100.0).round());
        let best = perms
            .iter()
            .map(|p| p.iter().enumerate().map(|(i, &j)| c[[i, j]]).sum::<f64>())
            .fold(f64::INFINITY, f64::min);
        let m = linear_assignment(c.view()).unwrap();
        let total: f64 = m.iter().map(|&(i, j)| c[[i, j]]).sum();
        assert_eq!(total, best);
        let mut cols: Vec<usize> = m.iter().map(|p| p.1).collect();
        cols.sort_unstable();
        assert_eq!(cols, (0..6).collect::<Vec<_>>());
    }
}

#[test]
fn transitions_by_hand() {
    // customers 10..15; customer 14 leaves, 16 arrives
    let prev_ids = [10, 11, 12, 13, 14];
    let prev = [0, 0, 1, 1, 2];
    let next_ids = [13, 12, 11, 10, 16];
    let next = [2, 1, 1, 0, 0];
    let t = transition_matrix(&prev_ids, &prev, &next_ids, &next, 3).unwrap();
    assert_eq!(t.counts, array![[1, 1, 0], [0, 1, 1], [0, 0, 0]]);
    assert_eq!(
        t.rates,
        array![[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 0.0]]
    );
    assert_eq!(
        movers(&prev_ids, &prev, &next_ids, &next, 0, 1).unwrap(),
        vec![11]
    );
    assert_eq!(
        movers(&prev_ids, &prev, &next_ids, &next, 1, 2).unwrap(),
        vec![13]
    );
    assert!(transition_matrix(&[1, 1], &[0, 0], &[1], &[0], 1).is_err());
    assert!(transition_matrix(&[1], &[3], &[1], &[0], 2).is_err());
}

/// Three tight groups at 0, 10 and 20 on the first feature; `assign[i]` is customer i's group.
fn snapshot(assign: &[usize]) -> Array2<f64> {
    Array2::from_shape_fn((assign.len(), 2), |(i, j)| {
        assign[i] as f64 * 10.0 + (i % 3) as f64 * 0.1 + j as f64
    })
}

#[test]
fn ids_stay_stable_across_refits() {
    let g0: Vec<usize> = (0..30).map(|i| i % 3).collect();
    let mut g1 = g0.clone();
    g1[0] = 2; // customer 0 moves from group 0 to group 2
    g1[4] = 0; // customer 4 moves from group 1 to group 0
    let mut g2 = g1.clone();
    g2[5] = 1; // customer 5 moves from group 2 to group 1
    let (x0, x1, x2) = (snapshot(&g0), snapshot(&g1), snapshot(&g2));
    let snaps = [
        Snapshot::new(x0.view()),
        Snapshot::new(x1.view()),
        Snapshot::new(x2.view()),
    ];
    // different seeds per refit would permute raw k-means ids; matching must undo that
    for seed in 0..4 {
        let fit = DynamicSegmentation::params(KMeans::params(3).seed(seed))
            .mode(UpdateMode::Refit)
            .fit(&snaps)
            .unwrap();
        let id = |t: usize, i: usize| fit.labels[t][i];
        let group_id: Vec<usize> = (0..3).map(|g| id(0, g)).collect();
        for t in 0..3 {
            let truth = [&g0, &g1, &g2][t];
            for i in 0..30 {
                assert_eq!(id(t, i), group_id[truth[i]], "seed {seed} t {t} i {i}");
            }
        }
        let tr = &fit.transitions[0];
        assert_eq!(tr.counts[[group_id[0], group_id[2]]], 1);
        assert_eq!(tr.counts[[group_id[1], group_id[0]]], 1);
        assert_eq!(tr.counts.sum(), 30);
        assert_eq!(fit.movers(0, group_id[0], group_id[2]).unwrap(), vec![0]);
        assert_eq!(fit.movers(1, group_id[2], group_id[1]).unwrap(), vec![5]);
        // centres keep their ids
        for t in 0..3 {
            for (g, &gid) in group_id.iter().enumerate() {
                let c = fit.centroids[t][[gid, 0]];
                assert!((c - g as f64 * 10.0).abs() < 0.5, "{c}");
            }
        }
    }
}

#[test]
fn assign_mode_and_new_snapshots_use_the_fitted_model() {
    let g0: Vec<usize> = (0..12).map(|i| i % 3).collect();
    let x0 = snapshot(&g0);
    let ids0: Vec<u32> = (100..112).collect();
    let p = DynamicSegmentation::params(KMeans::params(3).seed(1)).mode(UpdateMode::Assign);
    let mut fit = p
        .fit(&[Snapshot::with_customers(x0.view(), &ids0).unwrap()])
        .unwrap();
    let model_before = fit.model.clone();
    let g1 = vec![2, 2, 2, 0];
    let x1 = snapshot(&g1);
    let ids1 = [100, 101, 102, 999];
    let s1 = Snapshot::with_customers(x1.view(), &ids1).unwrap();
    let assigned = fit.assign(&s1).unwrap();
    assert_eq!(assigned, model_before.predict(x1.view()).unwrap());
    fit.push(&s1, &p).unwrap();
    assert_eq!(fit.model, model_before); // no refit
    assert_eq!(fit.transitions[0].counts.sum(), 3); // customer 999 is new
    let back: DynamicSegmentation = model::from_json(&model::to_json(&fit).unwrap()).unwrap();
    assert_eq!(back.assign(&s1).unwrap(), assigned);
    assert_eq!(back.centroids, fit.centroids);
    assert_eq!(
        match_segments(fit.centroids[0].view(), fit.centroids[1].view()).unwrap(),
        vec![0, 1, 2]
    );
}
