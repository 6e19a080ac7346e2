//! Explorer speed: a full frame at 120×40 with a 10⁶-step loss history, and the first frame.
//! `cargo bench --bench explorer`; `overparam bench` also counts bytes per frame and memory.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use overparam::bench::{counting_terminal, explorer_app};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frames(c: &mut Criterion) {
    let mut app = explorer_app(&["--steps", "2000000", "--tol", "1e-300"])
        .unwrap_or_else(|e| panic!("cannot build the app: {e}"));
    app.run_steps(1_000_000);
    app.fill_now();
    let mut g = c.benchmark_group("explorer");
    for (w, h) in [(80u16, 24u16), (120, 40), (200, 60)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
        g.bench_function(format!("frame_{w}x{h}_1M_history"), |b| {
            b.iter(|| term.draw(|f| overparam::tui::render(black_box(&app.session), f)).map(|_| ()))
        });
    }
    let mut compare = explorer_app(&[]).unwrap_or_else(|e| panic!("cannot build the app: {e}"));
    compare.press(overparam::tui::keys::Key::Char('C'));
    compare.fill_now();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap_or_else(|e| panic!("{e}"));
        g.bench_function(format!("compare_view_{w}x{h}_3x2000_runs"), |b| {
            b.iter(|| term.draw(|f| overparam::tui::render(black_box(&compare.session), f)).map(|_| ()))
        });
    }
    g.bench_function("first_frame_120x40", |b| {
        b.iter(|| {
            let app = explorer_app(&[]).unwrap_or_else(|e| panic!("{e}"));
            let (mut term, _) = counting_terminal(120, 40).unwrap_or_else(|e| panic!("{e}"));
            term.draw(|f| overparam::tui::render(&app.session, f)).map(|_| ())
        })
    });
    g.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
