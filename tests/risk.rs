#![allow(clippy::unwrap_used)]
use overparam::data::DataSpec;
use overparam::net::Act;
use overparam::net::TrainMode;
use overparam::risk::curve::{draw_expected, infinite, line_risks};
use overparam::risk::TestSet;

#[test]
fn scratch() {
    let d = DataSpec::default().generate().unwrap();
    let t = TestSet::grid(&d, 1.0);
    for r in infinite(&d, &t, Act::Relu, TrainMode::Last, &[0.0, 1.0]) { println!("inf {r:?}"); }
    for r in infinite(&d, &t, Act::Relu, TrainMode::All, &[0.0, 1.0]) { println!("ntk {r:?}"); }
    println!("{:?}", line_risks(&d, &t, 1.0, 100).unwrap());
    for m in [10, 60, 100, 150, 200, 300, 1000, 10000] {
        let s = std::time::Instant::now();
        let v: Vec<_> = (0..8).map(|i| draw_expected(&d, &t, Act::Relu, m, i, 42, &[0.0, 1.0])).collect();
        let a: f64 = v.iter().map(|e| e[0].total).sum::<f64>() / 8.0;
        let b: f64 = v.iter().map(|e| e[1].total).sum::<f64>() / 8.0;
        let bv: f64 = v.iter().map(|e| e[1].variance).sum::<f64>() / 8.0;
        println!("M {m}: s0 {a:.4} s1 {b:.4} (var {bv:.4}) {:?}", s.elapsed());
    }
}
