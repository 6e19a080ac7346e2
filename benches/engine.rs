//! Engine speed: one GD step of the very model and of the net, streaming bandwidth for
//! comparison, and ensemble throughput. `cargo bench --bench engine`; `overparam bench` prints the same figures in one run.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use overparam::data::DataSpec;
use overparam::ensemble::{self, EnsembleConfig};
use overparam::model::{Model, ModelKind};
use overparam::optim::{LrChoice, Optimizer, Run};

fn very(n: usize, m: usize) -> Arc<Model> {
    let data = DataSpec { n, ..DataSpec::default() }.generate().unwrap_or_else(|e| panic!("{e}"));
    Arc::new(Model::new(ModelKind::Very, data, 1.0, m).unwrap_or_else(|e| panic!("{e}")))
}

fn gd_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("gd_step");
    for (n, m) in [(100, 100), (100, 1000), (1000, 100), (10_000, 100)] {
        let model = very(n, m);
        let mut run =
            Run::new(Arc::clone(&model), Optimizer::Gd, LrChoice::default(), 1, 0).unwrap_or_else(|e| panic!("{e}"));
        let mut theta = run.theta0.clone();
        g.throughput(Throughput::Bytes((model.k() * 16) as u64));
        g.bench_function(format!("very_n{n}_m{m}"), |b| {
            b.iter(|| {
                // Replay keeps the run far from convergence, so every step is a full update.
                if run.steps >= 10_000 {
                    run.replay();
                }
                black_box(run.step().unwrap_or_default())
            })
        });
        g.bench_function(format!("stream_n{n}_m{m}_k{}", model.k()), |b| {
            b.iter(|| overparam::bench::stream_pass(black_box(theta.as_slice_mut().unwrap_or(&mut []))))
        });
    }
    g.finish();
}

fn ensembles(c: &mut Criterion) {
    let mut g = c.benchmark_group("ensemble");
    g.sample_size(10);
    let model = very(100, 100);
    for (opt, runs) in [(Optimizer::Exact, 2000u64), (Optimizer::Cg, 200), (Optimizer::Sgd, 20), (Optimizer::Gd, 4)] {
        let cfg = EnsembleConfig { optimizer: opt, lr: LrChoice::default(), max_steps: 1_000_000, tol: 1e-9, seed: 1 };
        g.throughput(Throughput::Elements(runs));
        g.bench_function(format!("very_{}", opt.name()), |b| {
            b.iter(|| ensemble::endpoint_slopes(&model, &cfg, 0..runs).unwrap_or_default())
        });
    }
    g.finish();
}

fn net_step(c: &mut Criterion) {
    use overparam::net::{Act, NetRun, NetSpec, TrainMode};
    let mut g = c.benchmark_group("net_gd_step");
    for (n, m, act) in [(30, 4096, Act::Relu), (100, 1024, Act::Relu), (100, 256, Act::Relu), (100, 1024, Act::Erf)] {
        let data = DataSpec { n, ..DataSpec::default() }.generate().unwrap_or_else(|e| panic!("{e}"));
        let net = NetSpec { width: m, act, train: TrainMode::All }.build(&data, 1.0).unwrap_or_else(|e| panic!("{e}"));
        let mut run =
            NetRun::new(Arc::clone(&net), Optimizer::Gd, LrChoice::default(), 1, 0).unwrap_or_else(|e| panic!("{e}"));
        // 11·N·M flops a step.
        g.throughput(Throughput::Elements((11 * n * m) as u64));
        g.bench_function(format!("{}_n{n}_m{m}", act.name()), |b| {
            b.iter(|| {
                if run.steps >= 2_000 {
                    run.replay();
                }
                black_box(run.step().unwrap_or_default())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, gd_step, ensembles, net_step);
criterion_main!(benches);
