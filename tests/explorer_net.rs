#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The net in the explorer: its panes, keys, histogram and quit line, driven through the key
//! table on an `App` rendered into a `TestBackend`. Small widths and counts keep it quick; the
//! histogram is filled inline so snapshots are deterministic.

mod svgcheck;

mod explorer_app;

use clap::Parser;
use explorer_app::{app, screen};
use overparam::args::Cli;
use overparam::ensemble::EnsembleConfig;
use overparam::model::ModelKind;
use overparam::net::{Act, TrainMode, train};
use overparam::optim::Optimizer;
use overparam::tui::App;
use overparam::tui::keys::Key;

/// A small net with a filled histogram and a run part way.
fn net_app(extra: &[&str]) -> App {
    let mut args = vec!["--model", "net", "--width", "32", "--n", "20"];
    args.extend_from_slice(extra);
    let mut a = app(&args);
    a.set_histogram_target(60);
    a.fill_now();
    a.run_steps(300);
    a
}

#[test]
fn snapshots_of_the_net() {
    for (name, extra) in [("all", &[][..]), ("last", &["--train", "last"][..])] {
        let a = net_app(extra);
        for (w, h) in [(80, 24), (160, 48)] {
            insta::assert_snapshot!(format!("net_{name}_{w}x{h}"), screen(&a, w, h));
        }
    }
}

#[test]
fn snapshot_of_the_help_with_the_net_keys() {
    let mut a = net_app(&[]);
    a.press(Key::Char('?'));
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&a, w, h);
        for k in ["x* left", "width ×2", "width ÷2", "all layers / last", "relu / erf"] {
            assert!(s.contains(k) || w == 80, "{w}x{h} help lacks {k}: {s}");
        }
        insta::assert_snapshot!(format!("net_help_{w}x{h}"), s);
    }
}

#[test]
fn the_net_is_in_the_model_cycle() {
    let mut a = app(&["--model", "very", "--width", "16", "--n", "12"]);
    a.press(Key::Char('m'));
    assert_eq!(a.session.current, ModelKind::Net);
    let s = screen(&a, 120, 40);
    assert!(s.contains("Net · relu · all"), "{s}");
    assert!(s.contains("NTK-GP") && s.contains("Bayes"), "{s}");
    a.press(Key::Char('m'));
    assert_eq!(a.session.current, ModelKind::Traditional);
    a.press(Key::Char('M'));
    assert_eq!(a.session.current, ModelKind::Net);
}

#[test]
fn the_histogram_holds_the_trained_nets_of_the_engine() {
    let a = net_app(&[]);
    let net = a.session.net().unwrap();
    assert_eq!(net.hist.values.len(), 60);
    let cfg = EnsembleConfig { optimizer: Optimizer::Gd, ..a.session.cfg() };
    for r in [0u64, 17, 59] {
        let end = train::endpoint(&net.net, &cfg, r, &[a.session.at]).unwrap();
        assert_eq!(net.hist.values[r as usize], end.f[0], "run {r} is init {r} trained by gd");
    }
    // The ensemble band at the grid's right end is the mean and sd of the same nets' f there.
    let band = net.hist.band().unwrap();
    let edge = net.grid[net.grid.len() - 1];
    let f: Vec<f64> = train::endpoints(&net.net, &cfg, 0..60, &[edge]).unwrap().iter().map(|e| e.f[0]).collect();
    let (mean, sd) = overparam::theory::mean_std(&f);
    let last = band[band.len() - 1];
    assert!((last.mean - mean).abs() < 1e-9 * mean.abs().max(1.0), "{} vs {mean}", last.mean);
    assert!((last.std - sd).abs() < 1e-9 * sd.max(1.0), "{} vs {sd}", last.std);
    let s = net.hist.summary.unwrap();
    assert_eq!(s.runs, 60);
    assert!(s.ks_ntk_gp.d > 0.0 && s.ks_posterior.d > 0.0);
}

#[test]
fn last_layer_gd_ends_at_the_exact_projection() {
    let mut a = app(&["--model", "net", "--width", "32", "--n", "20", "--train", "last"]);
    a.run_steps(1_000_000);
    let net = a.session.net().unwrap();
    assert!(net.run.converged());
    let (f, lin) = (net.stats.f_star, net.f_lin_star.unwrap());
    assert!((f - lin).abs() < 1e-6 * lin.abs().max(1.0), "f(x*) {f} vs projection {lin}");
    assert!(net.stats.kernel_change < 1e-12, "the last layer's kernel does not move");
}

#[test]
fn all_layers_ends_near_its_linearized_limit_closer_as_width_grows() {
    // THEORY.md, "Finite width": a trained net differs from its own f_lin by O(M^−½).
    let gap = |w: &str| {
        let mut a = app(&["--model", "net", "--width", w, "--n", "20"]);
        a.run_steps(1_000_000);
        let net = a.session.net().unwrap();
        assert!(net.run.converged());
        assert!(net.stats.kernel_change > 0.0 && net.stats.rel_change > 0.0);
        ((net.stats.f_star - net.f_lin_star.unwrap()).abs(), net.at_theory.ntk_gp.std)
    };
    let (narrow, _) = gap("64");
    let (wide, sd) = gap("1024");
    assert!(wide < 0.5 * sd, "finite-width gap {wide} vs spread {sd}");
    assert!(wide > 1e-6, "a real net does not end exactly at f_lin");
    assert!(wide < narrow / 2.0, "16× the width at least halves the gap: {narrow} → {wide}");
}

#[test]
fn keys_change_the_net_and_restart_from_the_same_seed() {
    let mut a = net_app(&[]);
    let (theta0, steps) = (a.session.net().unwrap().run.theta0.clone(), a.session.steps());
    assert!(steps > 0);
    // x*: the histogram restarts, the run goes on.
    let at = a.session.at;
    a.press(Key::Char(','));
    assert!(a.session.at < at);
    assert_eq!(a.session.steps(), steps);
    assert!(a.session.net().unwrap().hist.values.is_empty());
    assert!(a.session.message.as_deref().unwrap().contains("restarts"));
    a.press(Key::Char('.'));
    assert!((a.session.at - at).abs() < 1e-12);
    for _ in 0..100 {
        a.press(Key::Char('.'));
    }
    let right = a.session.net().unwrap().grid.last().copied().unwrap();
    assert_eq!(a.session.at, right, "x* stays within the shown range");
    assert!(a.session.message.as_deref().unwrap().contains("stays within"));
    // Width ×2 and ÷2: a new run from the same seed and init.
    a.press(Key::Char('w'));
    let net = a.session.net().unwrap();
    assert_eq!((net.spec.width, a.session.steps()), (64, 0));
    // The width-2M init begins with the width-M one (same c and first units).
    assert_eq!(net.run.theta0[3 * 64], theta0[3 * 32]);
    assert!(a.session.message.as_deref().unwrap().contains("restart"));
    a.press(Key::Char('W'));
    assert_eq!(a.session.net().unwrap().run.theta0, theta0);
    a.press(Key::Char('t'));
    assert_eq!(a.session.net().unwrap().spec.train, TrainMode::Last);
    a.press(Key::Char('g'));
    assert_eq!(a.session.net().unwrap().spec.act, Act::Erf);
    assert!(screen(&a, 80, 24).contains("erf"));
}

#[test]
fn the_quit_line_reproduces_the_net() {
    let mut a = app(&["--model", "net", "--width", "32", "--n", "20", "--seed", "7"]);
    a.press(Key::Char('t'));
    a.press(Key::Char('g'));
    a.press(Key::Char('w'));
    a.press(Key::Char(','));
    a.press(Key::Char('i'));
    let line = a.session.command_line();
    assert!(line.contains("--model net") && line.contains("--width 64 --act erf --train last --at "), "{line}");
    let args: Vec<&str> = line.split_whitespace().collect();
    let cli = Cli::try_parse_from(&args).unwrap();
    let again = App::new(&cli.common, &cli.explorer).unwrap();
    let (n1, n2) = (a.session.net().unwrap(), again.session.net().unwrap());
    assert_eq!(again.session.at, a.session.at);
    assert_eq!(n2.spec, n1.spec);
    assert_eq!(n2.run.theta0, n1.run.theta0);
    assert_eq!(n2.run.lr, n1.run.lr);
}

#[test]
fn refused_optimizers_give_way_to_gd_on_the_net() {
    let mut a = app(&["--model", "very", "--optimizer", "cg", "--width", "16", "--n", "12"]);
    a.press(Key::Char('m'));
    assert_eq!(a.session.current, ModelKind::Net);
    assert_eq!(a.session.optimizer, Optimizer::Gd);
    assert!(a.session.message.as_deref().unwrap().contains("cg is refused"));
    for _ in 0..6 {
        a.press(Key::Char('o'));
        assert!(!matches!(a.session.optimizer, Optimizer::Cg | Optimizer::Whitened));
    }
    let cli = Cli::try_parse_from(["overparam", "--model", "net", "--optimizer", "whitened"]).unwrap();
    let err = App::new(&cli.common, &cli.explorer).err().unwrap().to_string();
    assert!(err.contains("whitened is refused"), "{err}");
}

#[test]
fn exact_fills_with_the_linearized_limit_and_says_so() {
    let mut a = app(&["--model", "net", "--width", "32", "--n", "20", "--optimizer", "exact"]);
    a.set_histogram_target(20);
    a.fill_now();
    let net = a.session.net().unwrap();
    let run3 =
        overparam::net::NetRun::new(std::sync::Arc::clone(&net.net), Optimizer::Exact, a.session.lr, a.session.seed, 3)
            .unwrap();
    assert_eq!(net.hist.values[3], run3.f_lin(&[a.session.at]).unwrap()[0]);
    let s = screen(&a, 120, 40);
    assert!(s.contains("linearized"), "{s}");
}

#[test]
fn no_color_and_ascii_tell_the_bands_apart_by_glyph() {
    let mut a = net_app(&[]);
    a.session.color = false;
    let s = screen(&a, 120, 40);
    for (glyph, what) in [('~', "Bayes"), (':', "NTK-GP"), ('#', "trained"), ('|', "x*"), ('*', "this net")] {
        assert!(s.contains(&format!("{glyph} {what}")), "legend lacks {glyph} {what}: {s}");
    }
}

#[test]
fn the_worker_fills_the_net_and_drops_stale_batches() {
    let mut a = app(&["--model", "net", "--width", "16", "--n", "12"]);
    a.set_histogram_target(8);
    a.attach_worker(overparam::tui::jobs::worker::Worker::spawn().unwrap());
    a.press(Key::Char(','));
    a.set_histogram_target(8);
    // Not a timing test: a bound on the wait so a broken worker fails rather than hangs.
    for _ in 0..6000 {
        a.poll_worker();
        if !a.session.net().unwrap().hist.filling() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let mut b = app(&["--model", "net", "--width", "16", "--n", "12"]);
    b.press(Key::Char(','));
    b.set_histogram_target(8);
    b.fill_now();
    assert_eq!(a.session.net().unwrap().hist.values, b.session.net().unwrap().hist.values);
    assert!(!a.animating());
}

#[test]
fn the_compare_view_shows_the_net_on_the_shared_axis() {
    let mut a = net_app(&[]);
    a.press(Key::Char('C'));
    a.fill_now();
    let x = overparam::predict::test_point(&a.session.data);
    let net = a.session.net_shown().unwrap();
    assert_eq!(net.hist.compare_values.len(), net.hist.values.len());
    let cfg = EnsembleConfig { optimizer: Optimizer::Gd, ..a.session.cfg() };
    let end = train::endpoint(&net.net, &cfg, 5, &[x]).unwrap();
    assert_eq!(net.hist.compare_values[5], end.f[0], "the compare value is f(x*) of the same net");
    let s = net.hist.compare_summary.unwrap();
    for (w, h) in [(80, 24), (160, 48)] {
        let screen = screen(&a, w, h);
        let title = screen.lines().find(|l| l.contains("║net")).unwrap_or_default();
        assert!(title.contains(&format!("KS {:.3}", s.ks_posterior.d)), "{w}x{h}: {title}");
        insta::assert_snapshot!(format!("net_compare_{w}x{h}"), screen);
    }
}

#[test]
fn the_drift_view_sweeps_widths_and_fits_the_exponents() {
    let mut a = net_app(&[]);
    a.press(Key::Char('p'));
    assert_eq!(a.session.view, overparam::tui::session::View::Drift);
    // The sweep trains a slice per tick: tick until it is done (bounded, not timed).
    for _ in 0..100_000 {
        if !a.animating() {
            break;
        }
        a.tick();
    }
    let d = a.session.net_drift.as_ref().unwrap();
    assert!(d.done() && d.error.is_none(), "{:?}", d.error);
    let (rel, ker) = d.exponents().unwrap();
    // THEORY.md, "Finite width": |θ−θ0|/|θ0| ∝ M^−½ (and its closed form per width); the kernel
    // moves by O(M^−½): at these small widths it falls at least that fast (measured ≈ M^−1).
    assert!((-0.65..=-0.35).contains(&rel), "rel_change exponent {rel}");
    assert!(ker < -0.4, "kernel change exponent {ker}");
    assert!(d.rows.windows(2).all(|w| w[1].kernel_change < w[0].kernel_change));
    for r in &d.rows {
        assert!((r.rel_change / r.theory - 1.0).abs() < 0.5, "M={} {} vs theory {}", r.width, r.rel_change, r.theory);
    }
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(format!("net_drift_{w}x{h}"), screen(&a, w, h));
    }
}

#[test]
fn export_on_the_net_writes_the_nets_own_files() {
    let a = net_app(&[]);
    let net = a.session.net.as_ref().unwrap();
    let (files, note) = overparam::tui::app::export::session_files(&a.session);
    let file = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| String::from_utf8(b.clone()).unwrap());
    // The loss is the net's run's, as kept.
    let loss = file("loss.csv").unwrap();
    assert_eq!(loss.lines().count() - 1, net.history.points().len());
    assert!(net.history.points().len() > 1, "the run took steps");
    // One row per trained net, at its own x*, with f(x*) as the histogram holds it.
    let csv = file("endpoints.csv").unwrap();
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("net,")).collect();
    assert_eq!(rows.len(), net.hist.values.len());
    for (i, (row, v)) in rows.iter().zip(&net.hist.values).enumerate() {
        assert_eq!(*row, format!("net,{i},{},,{:?},{v:?}", net.hist.optimizer.name(), net.at));
    }
    // No linear summary passed off as the net's.
    assert!(file("summary.json").is_none());
    assert!(note.contains("ensemble --model net"), "{note}");
}

#[test]
fn export_from_the_compare_view_writes_the_nets_at_the_shared_x_star() {
    let mut a = net_app(&[]);
    a.press(Key::Char('C'));
    a.fill_now();
    let x = overparam::predict::test_point(&a.session.data);
    let net = a.session.net_shown().unwrap();
    assert_ne!(x, net.at, "the net's own x* is elsewhere");
    let (files, _) = overparam::tui::app::export::session_files(&a.session);
    let file = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| String::from_utf8(b.clone()).unwrap());
    // What the screen compares: f at the shared x* of each net, not at the net's own x*.
    let csv = file("endpoints.csv").unwrap();
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("net,")).collect();
    assert_eq!(rows.len(), net.hist.compare_values.len());
    for (i, (row, v)) in rows.iter().zip(&net.hist.compare_values).enumerate() {
        assert_eq!(*row, format!("net,{i},{},,{x:?},{v:?}", net.hist.optimizer.name()));
    }
    // compare.svg has the net's panel beside the lines', with its count and KS.
    let svg = file("compare.svg").unwrap();
    svgcheck::check("compare.svg", &svg);
    let s = net.hist.compare_summary.unwrap();
    let count = net.hist.compare_values.len();
    assert!(svg.contains(&format!("net · {count} nets · ")), "the net's panel");
    assert!(svg.contains(&format!("KS {:.3}", s.ks_posterior.d)));
}

/// The SVG figures of an export, by name.
fn figures(a: &App) -> Vec<(String, String)> {
    let (files, _) = overparam::tui::app::export::session_files(&a.session);
    files.into_iter().filter(|(n, _)| n.ends_with(".svg")).map(|(n, b)| (n, String::from_utf8(b).unwrap())).collect()
}

#[test]
fn export_on_the_net_writes_the_figures_of_its_views() {
    // The ridge view: ridge.svg of the plane on screen, for the run on screen.
    let a = ridge_app(&[]);
    let net = a.session.net().unwrap();
    let f = figures(&a);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, "ridge.svg", "the ridge view's plane arrived inline");
    svgcheck::check("ridge.svg", &f[0].1);
    let steps = overparam::format::thousands(net.run.steps);
    assert!(f[0].1.contains(&format!("gd from init 0, {steps} steps")), "the run on screen");
    // The slopes: gap.svg, the data pane's two theories apart in posterior sds, at the net's x*.
    let mut a = a;
    a.press(Key::Char('v'));
    let f = figures(&a);
    assert_eq!(f.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["gap.svg"]);
    svgcheck::check("gap.svg", &f[0].1);
    let at = a.session.net().unwrap().at_theory;
    let gap = (at.ntk_gp.mean - at.posterior.mean) / at.posterior.std;
    assert!(f[0].1.contains(&format!("{} posterior sd apart", overparam::format::sig4(gap))));
    // The drift view: drift.svg once the sweep has widths in (inline: all of them).
    a.press(Key::Char('p'));
    for _ in 0..100_000 {
        if !a.animating() {
            break;
        }
        a.tick();
    }
    let f = figures(&a);
    assert_eq!(f.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["drift.svg"]);
    svgcheck::check("drift.svg", &f[0].1);
    let (rel, ker) = a.session.net_drift.as_ref().unwrap().exponents().unwrap();
    assert!(f[0].1.contains(&format!("fits M^{rel:.2} and M^{ker:.2}")));
}

/// Ticks until `done` (bounded, not timed: a background thread is being waited for).
fn tick_until(a: &mut App, done: impl Fn(&App) -> bool) {
    for _ in 0..20_000 {
        if done(a) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
        a.tick();
    }
    panic!("the background job never delivered");
}

#[test]
fn in_the_explorer_the_kernel_change_is_measured_off_the_ui_thread() {
    let mut a = app(&["--model", "net", "--width", "32", "--n", "20"]);
    a.set_background(overparam::tui::jobs::background::Mode::Thread);
    a.run_steps(1_000_000);
    tick_until(&mut a, |a| a.session.net().is_some_and(|n| n.stats.kernel_step == n.run.steps));
    let net = a.session.net().unwrap();
    assert!(net.run.converged() && net.run.steps > 0);
    // The value that arrived is the run's own kernel change at its last step, bit for bit.
    assert_eq!(net.stats.kernel_change.to_bits(), net.run.kernel_change().to_bits());
}

#[test]
fn in_the_explorer_the_drift_sweep_fills_in_off_the_ui_thread() {
    let mut inline = net_app(&[]);
    inline.press(Key::Char('p'));
    let mut threaded = app(&["--model", "net", "--width", "32", "--n", "20"]);
    threaded.set_background(overparam::tui::jobs::background::Mode::Thread);
    threaded.press(Key::Char('p'));
    tick_until(&mut threaded, |a| a.session.net_drift.as_ref().is_some_and(|d| d.done()));
    let (t, i) = (threaded.session.net_drift.as_ref().unwrap(), inline.session.net_drift.as_ref().unwrap());
    assert!(t.error.is_none(), "{:?}", t.error);
    // The same runs from the same seed and init, wherever they were trained.
    let rows = |d: &overparam::tui::session::net_drift::NetDrift| {
        d.rows.iter().map(|r| (r.width, r.rel_change.to_bits(), r.kernel_change.to_bits())).collect::<Vec<_>>()
    };
    assert_eq!(rows(t), rows(i));
}

/// A converged net with the ridge view open (the plane computed inline: no worker).
fn ridge_app(extra: &[&str]) -> App {
    let mut a = net_app(extra);
    a.run_steps(1_000_000);
    assert!(a.session.net().unwrap().run.converged());
    a.press(Key::Char('v'));
    assert_eq!(a.session.view, overparam::tui::session::View::Ridge);
    a
}

#[test]
fn the_ridge_view_shows_the_curved_ridge_of_the_net() {
    let a = ridge_app(&[]);
    let r = a.session.net_ridge.as_ref().unwrap();
    assert!(!r.busy(), "inline without a worker");
    assert_eq!(r.shown_theta(), Some(&a.session.net().unwrap().run.theta), "the plane goes through θ now");
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&a, w, h);
        assert!(s.contains("curved") && s.contains("off the plane"), "{w}x{h}: {s}");
        assert!(s.contains("◆") && s.contains('o'), "{s}");
        assert!(!s.contains("does not show the net"), "{s}");
        insta::assert_snapshot!(format!("net_ridge_all_{w}x{h}"), s);
    }
    // What the screen says is the engine's, on the same plane: the ReLU kinks GD left on θ*,
    // and how far off the plane the zero-loss points lie.
    let f = match &r.shown {
        Some(Ok(f)) => f,
        other => panic!("{other:?}"),
    };
    assert!(f.kinks > 0);
    let off = f.curve.iter().map(|z| z.off).fold(0.0, f64::max);
    let wide = screen(&a, 160, 48);
    assert!(wide.contains(&format!("creased at {} ReLU kinks", f.kinks)), "{wide}");
    assert!(wide.contains(&format!("zero loss {:.1}%·|θ*−θ0| off the plane", 100.0 * off)), "{wide}");
    assert!(!f.straight && f.curve.iter().all(|z| z.loss < 1e-20 && z.off > 0.0));
}

#[test]
fn the_ridge_view_on_the_last_layer_says_the_ridge_is_straight() {
    let a = ridge_app(&["--train", "last"]);
    let f = match &a.session.net_ridge.as_ref().unwrap().shown {
        Some(Ok(f)) => f,
        other => panic!("{other:?}"),
    };
    assert!(f.straight && f.exponent.is_none());
    assert!(f.curve.iter().all(|z| z.alpha.abs() < 1e-9 && z.off < 1e-9), "{:?}", f.curve);
    for (w, h) in [(80, 24), (160, 48)] {
        let s = screen(&a, w, h);
        assert!(s.contains("straight") && !s.contains("curved"), "{w}x{h}: {s}");
        insta::assert_snapshot!(format!("net_ridge_last_{w}x{h}"), s);
    }
}

#[test]
fn the_ridge_view_follows_the_run_and_tells_ascii_and_no_color_apart() {
    // Open before training: θ has not moved, so there is no plane yet, and the view says so.
    let mut a = app(&["--model", "net", "--width", "16", "--n", "12"]);
    a.press(Key::Char('v'));
    assert!(screen(&a, 80, 24).contains("no plane: θ has not moved"), "{}", screen(&a, 80, 24));
    // Steps while paused: the plane is redone at the new θ.
    a.press(Key::Char('N'));
    a.tick();
    let theta = a.session.net().unwrap().run.theta.clone();
    assert_eq!(a.session.net_ridge.as_ref().unwrap().shown_theta(), Some(&theta));
    a.session.ascii = true;
    a.session.color = false;
    let s = screen(&a, 80, 24);
    // --ascii draws only ASCII (issue 21): θ* is written t*.
    assert!(s.contains(".:*# /100") && s.contains("+ t*") && s.is_ascii(), "{s}");
}

#[test]
fn the_ridge_view_computes_off_the_frame_with_a_worker() {
    let mut a = app(&["--model", "net", "--width", "16", "--n", "12"]);
    a.run_steps(200);
    a.attach_worker(overparam::tui::jobs::worker::Worker::spawn().unwrap());
    a.press(Key::Char('v'));
    // A stale job is dropped: a step while the first plane is on its way starts another.
    a.press(Key::Char('n'));
    a.tick();
    // Not a timing test: a bound on the wait so a broken job fails rather than hangs.
    for _ in 0..6000 {
        a.tick();
        if !a.session.net_ridge.as_ref().unwrap().busy() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let theta = a.session.net().unwrap().run.theta.clone();
    let r = a.session.net_ridge.as_ref().unwrap();
    assert!(!r.busy());
    assert_eq!(r.shown_theta(), Some(&theta), "the plane shown is at θ now");
    let mut b = app(&["--model", "net", "--width", "16", "--n", "12"]);
    b.run_steps(201);
    b.press(Key::Char('v'));
    assert_eq!(
        screen(&a, 120, 40).lines().skip(18).collect::<Vec<_>>()[..12],
        screen(&b, 120, 40).lines().skip(18).collect::<Vec<_>>()[..12]
    );
}

#[test]
fn a_new_init_never_shows_the_old_runs_plane() {
    let mut a = ridge_app(&[]);
    let old = a.session.net_ridge.as_ref().unwrap().shown_theta().cloned();
    assert!(old.is_some());
    a.press(Key::Char('i'));
    a.press(Key::Char(' '));
    a.tick();
    let (r, run) = (a.session.net_ridge.as_ref().unwrap(), &a.session.net().unwrap().run);
    assert_eq!(run.init_index, 1);
    // The plane shown now goes through the new run's θ, even while it runs.
    assert_ne!(r.shown_theta().cloned(), old);
}

#[test]
fn a_new_setting_says_the_run_restarted_in_full_at_80x24() {
    let mut a = net_app(&[]);
    a.press(Key::Char('t'));
    let msg = a.session.message.clone().unwrap();
    assert_eq!(msg, "M 32 · relu · last: restarted (seed 42, init 0)");
    assert_eq!(a.session.net().unwrap().run.steps, 0);
    assert!(a.session.net().unwrap().hist.values.is_empty());
    // Wrapped between words in the inspector, the whole message is on screen.
    let s = screen(&a, 80, 24);
    assert!(s.contains("│M 32 · relu · last:") && s.contains("│restarted (seed 42, init 0)"), "{s}");
}

/// ] and [ on the net stay within 2^±20 of its default and say so, as on the lines (the net
/// used to clamp silently and restart its run even when nothing changed).
#[test]
fn the_nets_learning_rate_keys_stop_at_the_bound_and_say_so() {
    let mut a = app(&["--model", "net", "--width", "16", "--n", "12"]);
    let default = a.session.net().unwrap().run.lr.unwrap();
    for _ in 0..20 {
        a.press(Key::Char('['));
        assert_eq!(a.session.message, None, "each halving within the bound applies quietly");
    }
    let lowest = a.session.net().unwrap().run.lr.unwrap();
    assert!((lowest * 1_048_576.0 / default - 1.0).abs() < 1e-12, "{lowest} vs {default}");
    a.run_steps(3);
    a.press(Key::Char('['));
    assert_eq!(a.session.message.as_deref(), Some("the learning rate stays within 2^±20 of its default (0 resets it)"));
    assert_eq!(a.session.net().unwrap().run.steps, 3, "a refused change leaves the run where it was");
    a.press(Key::Char('0'));
    assert_eq!(a.session.net().unwrap().run.lr, Some(default));
    assert_eq!(a.session.net().unwrap().run.steps, 0, "a new learning rate starts the run again");
}

/// Space and n on a finished run say why nothing happens, the same words for the net and the
/// lines, from the one stepping path.
#[test]
fn stepping_a_finished_run_says_so_for_the_lines_and_the_net() {
    for model in ["traditional", "net"] {
        let mut a = app(&["--model", model, "--width", "16", "--n", "12"]);
        a.run_steps(1_000_000);
        assert!(a.session.message.as_deref().is_some_and(|m| m.starts_with("converged: |∇L| < ")), "{model}");
        for key in [' ', 'n'] {
            a.press(Key::Char(key));
            assert_eq!(
                a.session.message.as_deref(),
                Some("converged — r replays, i draws a new init"),
                "{model}, key {key}"
            );
            assert!(!a.session.running);
        }
    }
}

/// x* in the quit line reads as typed: the default (a grid point) and one moved by `.` carry no
/// arithmetic noise (it was `--at 0.29700000000000065`), and the line still reproduces them.
#[test]
fn the_quit_lines_x_star_has_no_float_noise() {
    let mut a = app(&["--model", "net", "--width", "16"]);
    let at = |a: &App| {
        let line = a.session.command_line();
        line.split(" --at ").nth(1).and_then(|r| r.split(' ').next()).unwrap().to_string()
    };
    assert_eq!(at(&a), "0.297");
    a.press(Key::Char('.'));
    a.press(Key::Char('.'));
    let moved = at(&a);
    assert!(moved.len() <= 8, "{moved}");
    assert_eq!(moved.parse::<f64>().unwrap(), a.session.at);
}

/// The quit line from the net never carries --sources (the net refuses it), even when the
/// session was opened with them for the very model.
#[test]
fn the_nets_quit_line_leaves_the_very_models_sources_out() {
    let mut a = app(&["--model", "very", "--sources", "7", "--width", "16", "--n", "12"]);
    assert!(a.session.command_line().contains("--sources 7"));
    a.press(Key::Char('m'));
    assert_eq!(a.session.current, ModelKind::Net);
    let line = a.session.command_line();
    assert!(!line.contains("--sources"), "{line}");
    let args: Vec<&str> = line.split_whitespace().collect();
    let cli = Cli::try_parse_from(&args).unwrap();
    assert!(cli.common.check_model_options().is_ok(), "{line}");
}

/// The explorer opens nets up to MAX_EXPLORER_WIDTH, where a key still answers within a frame
/// (`overparam bench` measures it); wider is refused in one line pointing to the headless
/// commands, and w stops there, saying so.
#[test]
fn the_explorers_widest_net_is_bounded_and_w_stops_there() {
    let max = overparam::tui::session::MAX_EXPLORER_WIDTH;
    let cli = Cli::try_parse_from(["overparam", "--model", "net", "--width", &(max + 1).to_string()]).unwrap();
    let err = App::new(&cli.common, &cli.explorer).err().unwrap().to_string();
    assert!(
        err.contains(&format!("the explorer takes --width up to {max}")) && err.contains("overparam train"),
        "{err}"
    );
    let mut a = app(&["--model", "net", "--n", "8", "--width", &(max / 2).to_string()]);
    a.press(Key::Char('w'));
    assert_eq!(a.session.net().unwrap().spec.width, max);
    a.press(Key::Char('w'));
    assert_eq!(a.session.net().unwrap().spec.width, max);
    assert_eq!(a.session.message.as_deref(), Some(format!("width stays within 8..{max}").as_str()));
}
