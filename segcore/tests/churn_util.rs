//! Helpers shared by the churn integration tests (included with `#[path]`).
#![allow(dead_code)]

use ndarray::Array2;

/// Path of a churn golden file.
pub fn golden(name: &str) -> String {
    format!("{}/tests/golden/churn/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Reads a golden JSON file.
pub fn read_json(name: &str) -> serde_json::Value {
    let s = std::fs::read_to_string(golden(name)).unwrap();
    serde_json::from_str(&s).unwrap()
}

/// A golden CSV: columns x0.., then `y`, then optional `w`. Empty cells are NaN.
pub struct Table {
    pub x: Array2<f64>,
    pub y: Vec<bool>,
    pub w: Option<Vec<f64>>,
}

pub fn read_csv(name: &str) -> Table {
    let mut rdr = csv::Reader::from_path(golden(name)).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let nx = headers.iter().filter(|h| h.starts_with('x')).count();
    let yi = headers.iter().position(|h| h == "y").unwrap();
    let wi = headers.iter().position(|h| h == "w");
    let mut xs = Vec::new();
    let mut y = Vec::new();
    let mut w = Vec::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        for j in 0..nx {
            let c = &rec[j];
            xs.push(if c.is_empty() {
                f64::NAN
            } else {
                c.parse().unwrap()
            });
        }
        y.push(&rec[yi] == "1");
        if let Some(wi) = wi {
            w.push(rec[wi].parse().unwrap());
        }
    }
    let n = y.len();
    Table {
        x: Array2::from_shape_vec((n, nx), xs).unwrap(),
        y,
        w: wi.map(|_| w),
    }
}

pub fn f64s(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}
