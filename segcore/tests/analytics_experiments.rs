//! Experiments and distribution functions against scipy goldens
//! (segcore/tests/golden/analytics/make_golden.py, scipy 1.17.1).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use segcore::analytics::experiments::{Arm, Experiment, Outcome, holm};
use segcore::analytics::stats::*;
use serde_json::Value;

fn golden() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/analytics/golden.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

#[test]
fn normal_and_erfc_match_scipy() {
    let g = golden();
    for c in g["normal"].as_array().unwrap() {
        let z = f(&c["z"]);
        assert!(rel(normal_cdf(z), f(&c["cdf"])) < 1e-12, "cdf({z})");
        assert!(rel(normal_sf(z), f(&c["sf"])) < 1e-12, "sf({z})");
        assert!(rel(erfc(z), f(&c["erfc"])) < 1e-12, "erfc({z})");
    }
    for c in g["normal_ppf"].as_array().unwrap() {
        let q = normal_quantile(f(&c["p"])).unwrap();
        assert!(
            (q - f(&c["z"])).abs() < 1e-9 * (1.0 + q.abs()),
            "ppf {}",
            c["p"]
        );
    }
}

#[test]
fn student_t_and_inc_beta_match_scipy() {
    let g = golden();
    for c in g["t"].as_array().unwrap() {
        let (t, df) = (f(&c["t"]), f(&c["df"]));
        assert!(
            rel(student_t_cdf(t, df), f(&c["cdf"])) < 1e-10,
            "cdf({t}, {df})"
        );
        assert!(
            rel(student_t_sf(t, df), f(&c["sf"])) < 1e-10,
            "sf({t}, {df})"
        );
    }
    for c in g["t_ppf"].as_array().unwrap() {
        let q = student_t_quantile(f(&c["p"]), f(&c["df"])).unwrap();
        assert!((q - f(&c["t"])).abs() < 1e-9, "t ppf {c}");
    }
    for c in g["betainc"].as_array().unwrap() {
        let v = inc_beta(f(&c["a"]), f(&c["b"]), f(&c["x"]));
        assert!(rel(v, f(&c["v"])) < 1e-11, "betainc {c}");
    }
}

fn two_arms(treat: &[f64], control: &[f64]) -> (Vec<Arm>, Vec<f64>) {
    let mut arms = vec![Arm::Control; control.len()];
    arms.extend(vec![Arm::Treatment; treat.len()]);
    let mut v = control.to_vec();
    v.extend_from_slice(treat);
    (arms, v)
}

#[test]
fn welch_matches_scipy_ttest_ind_unequal_var() {
    // golden: scipy.stats.ttest_ind(treatment, control, equal_var=False)
    let g = golden();
    for c in g["welch"].as_array().unwrap() {
        let a: Vec<f64> = c["treatment"].as_array().unwrap().iter().map(f).collect();
        let b: Vec<f64> = c["control"].as_array().unwrap().iter().map(f).collect();
        let (arms, v) = two_arms(&a, &b);
        let r = Experiment::params()
            .min_group(1)
            .evaluate(&arms, Outcome::Revenue(&v), None::<&[String]>)
            .unwrap();
        let e = r.overall.estimate.unwrap();
        assert!(
            (e.p_value - f(&c["p"])).abs() < 1e-8,
            "p {} vs {}",
            e.p_value,
            c["p"]
        );
        assert!(rel(e.statistic, f(&c["t"])) < 1e-10);
        assert!(rel(e.df.unwrap(), f(&c["df"])) < 1e-10);
        assert!((e.ci_low - f(&c["ci_low"])).abs() < 1e-8);
        assert!((e.ci_high - f(&c["ci_high"])).abs() < 1e-8);
    }
}

#[test]
fn two_proportion_z_matches_scipy_norm() {
    // golden: pooled z, p = 2 * scipy.stats.norm.sf(|z|), Wald CI with norm.ppf(0.975)
    let g = golden();
    for c in g["ztest"].as_array().unwrap() {
        let u = |k: &str| c[k].as_u64().unwrap() as usize;
        let (x1, n1, x0, n0) = (u("x1"), u("n1"), u("x0"), u("n0"));
        let mut arms = vec![Arm::Control; n0];
        arms.extend(vec![Arm::Treatment; n1]);
        let mut conv: Vec<bool> = (0..n0).map(|i| i < x0).collect();
        conv.extend((0..n1).map(|i| i < x1));
        let r = Experiment::params()
            .evaluate(&arms, Outcome::Conversion(&conv), None::<&[String]>)
            .unwrap();
        let e = r.overall.estimate.unwrap();
        assert!(rel(e.statistic, f(&c["z"])) < 1e-12);
        assert!(
            rel(e.p_value, f(&c["p"])) < 1e-10,
            "p {} vs {}",
            e.p_value,
            c["p"]
        );
        assert!((e.ci_low - f(&c["ci_low"])).abs() < 1e-12);
        assert!((e.ci_high - f(&c["ci_high"])).abs() < 1e-12);
    }
}

#[test]
fn holm_hand_case_and_properties() {
    // hand-checked: sorted 0.01, 0.02, 0.03, 0.5 with m = 4 -> 0.04, 0.06, 0.06, 0.5
    let a = holm(&[0.5, 0.01, 0.03, 0.02]).unwrap();
    let want = [0.5, 0.04, 0.06, 0.06];
    for (x, y) in a.iter().zip(want) {
        assert!((x - y).abs() < 1e-15);
    }
    assert!(holm(&[0.1, f64::NAN]).is_err());
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..50 {
        let m = rng.random_range(1..30);
        let p: Vec<f64> = (0..m).map(|_| rng.random::<f64>().powi(3)).collect();
        let adj = holm(&p).unwrap();
        let mut idx: Vec<usize> = (0..m).collect();
        idx.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
        for w in idx.windows(2) {
            assert!(adj[w[0]] <= adj[w[1]], "monotone in the raw order");
        }
        for i in 0..m {
            assert!(adj[i] >= p[i] && adj[i] <= 1.0);
        }
    }
}

#[test]
fn power_warning_and_required_n_match_formula() {
    let g = golden();
    for c in g["power_conversion"].as_array().unwrap() {
        let (p0, d) = (f(&c["p0"]), f(&c["delta"]));
        // control with rate exactly p0 (1000 customers), treatment at p0 too
        let n = 1000;
        let x = (p0 * n as f64).round() as usize;
        let mut arms = vec![Arm::Control; n];
        arms.extend(vec![Arm::Treatment; n]);
        let conv: Vec<bool> = (0..2 * n).map(|i| (i % n) < x).collect();
        let r = Experiment::params()
            .min_effect(d)
            .evaluate(&arms, Outcome::Conversion(&conv), None::<&[String]>)
            .unwrap();
        let e = r.overall.estimate.unwrap();
        let req = e.required_per_arm.unwrap();
        assert!(rel(req, f(&c["n"])) < 1e-9, "{req} vs {}", c["n"]);
        assert_eq!(e.underpowered, (n as f64) < req);
        assert_eq!(e.warning.is_some(), e.underpowered);
    }
}

#[test]
fn segments_holm_suppression_and_small_segment_warning() {
    // segment "big": 2000 per arm, 10% vs 14%; "small": 40 per arm, same rates; "tiny": 5 per arm
    let mut arms = Vec::new();
    let mut conv = Vec::new();
    let mut seg = Vec::new();
    for (name, n, k0, k1) in [
        ("big", 2000, 200, 280),
        ("small", 40, 4, 6),
        ("tiny", 5, 1, 2),
    ] {
        for i in 0..n {
            arms.push(Arm::Control);
            conv.push(i < k0);
            seg.push(name.to_string());
            arms.push(Arm::Treatment);
            conv.push(i < k1);
            seg.push(name.to_string());
        }
    }
    arms.push(Arm::Excluded);
    conv.push(true);
    seg.push("big".into());
    let r = Experiment::params()
        .min_effect(0.04)
        .evaluate(&arms, Outcome::Conversion(&conv), Some(&seg))
        .unwrap();
    let names: Vec<&str> = r.segments.iter().map(|s| s.segment.as_str()).collect();
    assert_eq!(names, ["big", "small", "tiny"]);
    let big = r.segments[0].estimate.as_ref().unwrap();
    let small = r.segments[1].estimate.as_ref().unwrap();
    assert!(r.segments[2].suppressed && r.segments[2].estimate.is_none());
    assert_eq!((big.n_control, big.n_treatment), (2000, 2000));
    assert!((big.effect - 0.04).abs() < 1e-12);
    assert!(!big.underpowered && big.significant);
    assert!(small.underpowered);
    // MDE: (z_.975 + z_.8) * sqrt(p(1-p)(2/n)) with the pooled rate p = 0.12 of "big"
    let zsum = normal_quantile(0.975).unwrap() + normal_quantile(0.8).unwrap();
    let mde = zsum * (0.12_f64 * 0.88 * (2.0 / 2000.0)).sqrt();
    assert!((big.min_detectable_effect.unwrap() - mde).abs() < 1e-12);
    assert!(small.min_detectable_effect.unwrap() > 0.04);
    assert!(small.warning.as_ref().unwrap().contains("segment `small`"));
    // Holm over the two reported segments
    let want = holm(&[big.p_value, small.p_value]).unwrap();
    assert_eq!((big.p_adjusted, small.p_adjusted), (want[0], want[1]));
    assert!(small.p_adjusted >= small.p_value);
    // the overall row counts everybody enrolled, not the excluded one
    let all = r.overall.estimate.unwrap();
    assert_eq!(all.n_control, 2045);
}

#[test]
fn bad_inputs_are_errors() {
    let arms = [Arm::Control, Arm::Treatment];
    assert!(
        Experiment::params()
            .alpha(1.5)
            .evaluate(&arms, Outcome::Revenue(&[1.0, 2.0]), None::<&[String]>)
            .is_err()
    );
    assert!(
        Experiment::params()
            .evaluate(&arms, Outcome::Revenue(&[1.0, f64::NAN]), None::<&[String]>)
            .is_err()
    );
    assert!(
        Experiment::params()
            .evaluate(&arms, Outcome::Conversion(&[true]), None::<&[String]>)
            .is_err()
    );
}
