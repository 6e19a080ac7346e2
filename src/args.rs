//! Command-line arguments shared by the explorer and the headless commands.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::data::{DataSpec, Dataset, XLayout};
use crate::ensemble::EnsembleConfig;
use crate::error::Result;
use crate::model::{Model, ModelKind};
use crate::net::{Act, Net, NetSpec, TrainMode};
use crate::optim::{DEFAULT_MAX_STEPS, LrChoice, Optimizer};

/// The share of a data file held out as the test set when --holdout is not given.
pub use crate::risk::DEFAULT_HOLDOUT;

/// M, the very model's noise sources per point, as in the article.
pub const DEFAULT_SOURCES: usize = 100;
/// The net's default width: 200 GD-trained nets on the demo data take about half a minute on
/// 2 cores, the explorer's histogram target (README, "The wide network").
pub const DEFAULT_WIDTH: usize = 1024;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "overparam",
    version,
    about = "See why hugely overparameterized models don't overfit: ridges, not peaks.",
    long_about = "See why hugely overparameterized models don't overfit: ridges, not peaks.\n\n\
        With no subcommand, opens the terminal explorer on the classic demo \
        (100 points, y = x + N(0,1) noise)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub explorer: ExplorerArgs,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Train one model from one init and report where it ended.
    Train {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also print θ0 and θ in full (JSON: theta0, theta; text: one value a line).
        #[arg(long)]
        dump_params: bool,
        /// Net only: also print f over a grid spanning the data and half its range on each side.
        #[arg(long)]
        dump_curve: bool,
    },
    /// Train many independent inits and compare their endpoint slopes with the theory.
    Ensemble {
        /// Number of independent inits.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=crate::ensemble::MAX_RUNS))]
        runs: u64,
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// The article's table: the MLE, one slightly and one very sample, and the posterior.
    Compare {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Measure every speed and memory figure on this machine: the models' steps and ensembles, the
    /// net's, and a real explorer session's frames, keys and memory (about 1.5 minutes in a
    /// release build on 2 cores).
    Bench {
        /// Shorter measurements (noisier): a smoke test.
        #[arg(long)]
        quick: bool,
        /// Only these rows (e.g. `--only net`: the net's steps, seconds instead of minutes).
        #[arg(long, value_enum)]
        only: Option<BenchPart>,
    },
    /// How far the parameters move as the number of noise sources M grows (very model), or as
    /// the width grows (--model net).
    Sweep {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Net only: the widths M to train at [default: 64,256,1024,4096].
        #[arg(long, value_delimiter = ',', value_parser = parse_width)]
        widths: Vec<usize>,
    },
    /// The net's two theories at test points (--at), without training: the NTK-GP and the posterior.
    Predict {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also print the kernel matrices K(X,X), Θ(X,X), K(x*,X), Θ(x*,X), K(x*,x*) (no noise block).
        #[arg(long)]
        dump_kernels: bool,
    },
    /// Write SVG figures (data, endpoint histogram, loss curve) into a folder, made if missing;
    /// figures of the same names in it are replaced whole.
    Plot {
        /// The folder to write into (made, with its parents, if it does not exist).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Inits in the endpoint histogram [default: 2000; 100 with --model net, whose nets are trained for real].
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::ensemble::MAX_RUNS))]
        runs: Option<u64>,
        /// The figures to write, comma-separated [default: every one the model has: data,
        /// endpoints, loss, ridge, drift, compare; with --model net functions, data, endpoints,
        /// loss, compare, gap].
        #[arg(long, value_delimiter = ',', value_enum)]
        views: Vec<FigureView>,
    },
    /// Does it overfit? The net's test error against its width, in closed form over inits for
    /// each feature draw (--train last, the default here), at each noise prior σn, with the
    /// infinite-width value, the lines' errors for reference and where k = N sits.
    Risk {
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        /// The widths M [default: 1,2,4,…,16384].
        #[arg(long, value_delimiter = ',', value_parser = parse_width)]
        widths: Vec<usize>,
        /// The noise parameters' prior sd σn, one curve each; 0 removes them [default: 0 and --noise].
        #[arg(long, value_name = "S", value_delimiter = ',', allow_hyphen_values = true, value_parser = parse_noise_priors)]
        noise_prior: Vec<f64>,
        /// Feature draws per width (draw r is init r's hidden weights and biases).
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=crate::risk::curve::MAX_DRAWS))]
        draws: u64,
        /// Also train R nets for real at each width and σn (init r, with --optimizer, --steps, --tol)
        /// and report their measured test error ± se beside the closed form.
        #[arg(long, value_name = "R", value_parser = clap::value_parser!(u64).range(1..=10_000))]
        trained: Option<u64>,
    },
    /// Print the dataset, so a run can be replayed on it with --data.
    Data {
        #[arg(long, value_enum, default_value_t = DataFormat::Csv)]
        format: DataFormat,
    },
    /// Walk through the article's argument chapter by chapter, live in the explorer (Enter: next
    /// chapter, Backspace: back, L: chapters, T: leave and return).
    Tour {
        /// A tour of your own (TOML; the format is in README.md) instead of the built-in one.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// The explorer's own flags, after `tour` as before it.
        #[command(flatten)]
        explorer: ExplorerArgs,
    },
    /// Print a shell completion script (see the README for where to put it).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `overparam man > overparam.1`.
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Preset {
    /// The classic demo: N = 100 on the grid 0, 0.1, …, 9.9.
    Demo,
    /// x ~ N(0, 1), N = 10: the very model's gap from the posterior is large.
    Small,
}

/// A figure `plot --views` can write (each is written as NAME.svg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FigureView {
    /// The data and the fitted lines (the net: its trained f).
    Data,
    /// The histogram of endpoints over inits against the theory.
    Endpoints,
    /// One run's loss on a log axis.
    Loss,
    /// The explorer's ridge view: the loss on a slice through the endpoint.
    Ridge,
    /// The explorer's drift view: how far the parameters moved, and the sweep over M.
    Drift,
    /// The explorer's compare view: every model's endpoints at x* on one axis.
    Compare,
    /// The net's band of trained functions against its two theories.
    Functions,
    /// The net: (NTK-GP mean − posterior mean) / posterior sd across x.
    Gap,
    /// The net: test error against width, closed form and trained nets (double descent).
    Risk,
}

impl FigureView {
    /// The figure's file name.
    pub fn file(self) -> &'static str {
        match self {
            FigureView::Data => "data.svg",
            FigureView::Endpoints => "endpoints.svg",
            FigureView::Loss => "loss.svg",
            FigureView::Ridge => "ridge.svg",
            FigureView::Drift => "drift.svg",
            FigureView::Compare => "compare.svg",
            FigureView::Functions => "functions.svg",
            FigureView::Gap => "gap.svg",
            FigureView::Risk => "risk.svg",
        }
    }

    /// The name `--views` takes.
    pub fn name(self) -> &'static str {
        self.file().trim_end_matches(".svg")
    }
}

/// A part of `overparam bench`'s report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchPart {
    /// A real explorer session: frames, keys, memory.
    Explorer,
    /// The linear models' steps and ensembles.
    Engine,
    /// The net's steps, ensembles and memory.
    Net,
    /// The closed-form test-error curve over width.
    Risk,
    /// Reading data files.
    Data,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    Csv,
    Json,
}

/// --model's long help: each model in a user's words (clap would show the engine's doc comments).
const MODEL_HELP: &str = "Model: traditional (slope only), slightly or very overparameterized, or net (a wide \
    one-hidden-layer network)\n\n\
    Possible values:\n\
    - traditional: The slope only: one optimum, the least-squares fit\n\
    - slightly:    The slope plus one N(0,1) noise parameter per point\n\
    - very:        The slope plus M U(−1,1) noise sources per point (--sources), scaled by √(3/M)\n\
    - net:         A wide one-hidden-layer network, nonlinear in its inputs (--width, --act, --train, --at)";

/// Options every command takes: the data, the model, the optimizer.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// Seed for the data and every init (always shown, so any run can be reproduced).
    #[arg(long, global = true, default_value_t = crate::DEFAULT_SEED)]
    pub seed: u64,
    /// Number of data points N (at least 2).
    #[arg(long, global = true, default_value_t = 100, value_parser = parse_n)]
    pub n: usize,
    /// True slope of the generated line.
    #[arg(long, global = true, default_value_t = 1.0, allow_hyphen_values = true, value_parser = parse_finite)]
    pub slope: f64,
    /// Noise std σ of the generated data (also the model's noise scale).
    #[arg(long, global = true, default_value_t = 1.0, allow_hyphen_values = true, value_parser = parse_noise)]
    pub noise: f64,
    /// Layout of x: grid spans [0, 10) like the article; normal is N(0,1); uniform is U(0,10).
    #[arg(long, global = true, value_enum, default_value_t = XLayout::Grid)]
    pub x: XLayout,
    /// Read the data from a CSV file with header `x,y` instead of generating it (`-`: stdin).
    #[arg(long, global = true, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// With --data: the share of the points held out as the test set, drawn from --seed
    /// [default: 0.2]. `train` and the explorer (which show the test error) train on the rest;
    /// the other commands use every point. Generated data is tested against the true line instead.
    #[arg(long, global = true, value_name = "SHARE", requires = "data", allow_hyphen_values = true, value_parser = parse_holdout)]
    pub holdout: Option<f64>,
    /// With --data: the two columns to read as x and y, by header name (other columns are ignored).
    #[arg(long, global = true, value_name = "X,Y", value_delimiter = ',', requires = "data")]
    pub columns: Vec<String>,
    /// Model: traditional (slope only), slightly or very overparameterized, or net (a wide
    /// one-hidden-layer network).
    #[arg(long, global = true, value_enum, hide_possible_values = true, long_help = MODEL_HELP, default_value_t = ModelKind::Slightly)]
    pub model: ModelKind,
    /// Noise sources per point M for the very model [default: 100]; sweep takes a list
    /// [default: 1,10,100,1000].
    #[arg(long, global = true, value_delimiter = ',', value_parser = parse_sources)]
    pub sources: Vec<usize>,
    /// A named setup: `small` is x ~ N(0,1) with N = 10, where plain GD's endpoints visibly
    /// miss the posterior for the very model. It sets N and x, so it is refused with --n, --x or
    /// --data, before or after the command.
    #[arg(long, global = true, value_enum, conflicts_with_all = ["n", "x", "data"])]
    pub preset: Option<Preset>,
    /// Optimizer [default: gd; exact for ensemble].
    #[arg(long, global = true, value_enum)]
    pub optimizer: Option<Optimizer>,
    /// Learning rate η for gd and whitened [default: 1/λmax]; for sgd, the factor on the
    /// Kaczmarz step (the net: η for gd and sgd alike).
    #[arg(long, global = true, allow_hyphen_values = true, value_parser = parse_positive, conflicts_with = "lr_scale")]
    pub lr: Option<f64>,
    /// Multiply the default learning rate (or SGD's Kaczmarz step) by this.
    #[arg(long, global = true, default_value_t = 1.0, allow_hyphen_values = true, value_parser = parse_positive)]
    pub lr_scale: f64,
    /// Stop after this many steps [default: 1000000].
    #[arg(long, global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub steps: Option<u64>,
    /// Stop when |∇L| falls below this.
    #[arg(long, global = true, default_value_t = crate::optim::DEFAULT_TOL, allow_hyphen_values = true, value_parser = parse_positive)]
    pub tol: f64,
    /// Which init of the seed to train from (run r of an ensemble uses init r).
    #[arg(long, global = true, default_value_t = 0)]
    pub init: u64,
    /// Net: hidden units M [default: 1024: the explorer fills its histogram of 200 nets in about 25 s on 2 cores].
    #[arg(long, global = true, value_parser = parse_width)]
    pub width: Option<usize>,
    /// Net: the activation φ [default: relu].
    #[arg(long, global = true, value_enum)]
    pub act: Option<Act>,
    /// Net: which layers train: all, or last (w and b frozen) [default: all].
    #[arg(long, global = true, value_enum)]
    pub train: Option<TrainMode>,
    /// Net: the prior sd σn of its noise parameters (one per point, as in the slightly model)
    /// [default: --noise]. 0 removes them: k = 3M + 1, and f itself must fit y (GD then needs
    /// astronomically many steps near k = N, and stops at --steps: early stopping acts as a
    /// ridge). For the lines, the traditional model is the one without noise parameters.
    #[arg(long, global = true, value_name = "S", allow_hyphen_values = true, value_parser = parse_noise_prior)]
    pub noise_prior: Option<f64>,
    /// Net: test points x* in data units, where f is read out [default: where the all-layers
    /// and Bayes predictions differ most, within half the data range of the data].
    #[arg(long, global = true, value_delimiter = ',', allow_hyphen_values = true, value_parser = parse_finite)]
    pub at: Vec<f64>,
}

/// Options only the explorer takes.
#[derive(Debug, Clone, Args)]
pub struct ExplorerArgs {
    /// Frames per second cap.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub fps: u32,
    /// Draw only ASCII: markers instead of braille, and +-| borders, t for θ, . for ·, > for →
    /// (for fonts or terminals without them; on by itself when LANG/LC_* name no UTF-8).
    #[arg(long)]
    pub ascii: bool,
    /// The new folder `s` exports the session to [default: overparam-<UTC time> here].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

impl ExplorerArgs {
    /// These flags with `later`'s where it sets one (`overparam --ascii tour --fps 10`).
    pub fn and(&self, later: &ExplorerArgs) -> ExplorerArgs {
        let default = ExplorerArgs::default_fps();
        ExplorerArgs {
            fps: if later.fps != default { later.fps } else { self.fps },
            ascii: self.ascii || later.ascii,
            out: later.out.clone().or_else(|| self.out.clone()),
        }
    }
    const fn default_fps() -> u32 {
        30
    }
}

// The parsers' messages follow clap's "invalid value '…' for '--flag <FLAG>': ", which shows
// the value (cut when long, by `one_line`): they do not repeat it. Like clap's own parsers
// (--seed, --steps), they take the value as written: " 5" is not a number.
fn parse_f64(s: &str) -> std::result::Result<f64, String> {
    s.parse::<f64>().map_err(|_| "not a number".to_string())
}
fn parse_finite(s: &str) -> std::result::Result<f64, String> {
    let v = parse_f64(s)?;
    if v.is_finite() { Ok(v) } else { Err("not a finite number".to_string()) }
}
fn parse_positive(s: &str) -> std::result::Result<f64, String> {
    let v = parse_f64(s)?;
    if v.is_finite() && v > 0.0 { Ok(v) } else { Err("must be a positive number".to_string()) }
}
fn parse_noise(s: &str) -> std::result::Result<f64, String> {
    let v = parse_positive(s)?;
    crate::limits::check_sigma(v)
        .map_err(|_| format!("must be between {:e} and {:e}", crate::limits::SIGMA_MIN, crate::limits::SIGMA_MAX))?;
    Ok(v)
}
fn parse_holdout(s: &str) -> std::result::Result<f64, String> {
    let v = parse_f64(s)?;
    crate::risk::check_holdout(v).map_err(|_| "must be strictly between 0 and 1".to_string())?;
    Ok(v)
}
/// One value of `risk --noise-prior a,b,…` (the list is split by clap).
fn parse_noise_priors(s: &str) -> std::result::Result<f64, String> {
    parse_noise_prior(s)
}
fn parse_noise_prior(s: &str) -> std::result::Result<f64, String> {
    let v = parse_f64(s)?;
    // -0 is 0, shown as 0.
    let v = if v == 0.0 { 0.0 } else { v };
    crate::limits::check_noise_prior(v).map_err(|_| {
        format!("must be 0 or between {:e} and {:e}", crate::limits::SIGMA_MIN, crate::limits::SIGMA_MAX)
    })?;
    Ok(v)
}
fn parse_whole(s: &str) -> std::result::Result<usize, String> {
    s.parse().map_err(|_| "not a whole number".to_string())
}
fn parse_n(s: &str) -> std::result::Result<usize, String> {
    let v = parse_whole(s)?;
    if v < 2 {
        return Err(format!("need at least 2 points (got {v})"));
    }
    if v > crate::data::MAX_POINTS {
        return Err(format!("at most {} points (got {v})", crate::data::MAX_POINTS));
    }
    Ok(v)
}
fn parse_width(s: &str) -> std::result::Result<usize, String> {
    let v = parse_whole(s)?;
    if v == 0 {
        return Err("the net needs at least 1 hidden unit (got 0)".into());
    }
    Ok(v)
}
fn parse_sources(s: &str) -> std::result::Result<usize, String> {
    let v = parse_whole(s)?;
    if v == 0 {
        return Err("need at least 1 source per point (got 0)".into());
    }
    Ok(v)
}

impl Common {
    pub fn data_spec(&self) -> DataSpec {
        let (n, x) = match self.preset {
            Some(Preset::Small) => (10, XLayout::Normal),
            Some(Preset::Demo) => (100, XLayout::Grid),
            None => (self.n, self.x),
        };
        DataSpec { n, slope: self.slope, noise: self.noise, x, seed: self.seed }
    }
    /// The one M every command but `sweep` uses.
    pub fn source_count(&self) -> Result<usize> {
        match self.sources.as_slice() {
            [] => Ok(DEFAULT_SOURCES),
            [m] => Ok(*m),
            _ => Err(crate::error::invalid!("--sources takes one value here (a list is for `sweep`)")),
        }
    }
    /// The dataset: read from --data, or generated from the seed.
    pub fn dataset(&self) -> Result<Dataset> {
        match &self.data {
            Some(path) => Dataset::read_csv(path, &self.columns),
            None => self.data_spec().generate().map_err(|e| self.blame_slope(e)),
        }
    }
    /// The held-out share of --data (0.2 unless --holdout says).
    pub fn holdout_share(&self) -> f64 {
        self.holdout.unwrap_or(DEFAULT_HOLDOUT)
    }
    /// The data a run that reports its test error trains on, and its test set: for --data, the
    /// points left after holding out `holdout_share` of them (drawn from the seed) and those
    /// held out; for generated data, all of it and the grid against the true line.
    pub fn train_test(&self) -> Result<(Dataset, crate::risk::TestSet)> {
        crate::risk::train_test(self.dataset()?, self.data.is_some(), self.holdout_share(), self.slope, self.seed)
    }
    /// Generated data out of range is --slope's doing when the same data with slope 0 is fine
    /// (--noise is bounded so that it cannot be): say so, naming the flag.
    fn blame_slope(&self, e: crate::error::Error) -> crate::error::Error {
        let flat = DataSpec { slope: 0.0, ..self.data_spec() };
        match e {
            crate::error::Error::Invalid(msg) if flat.generate().is_ok() => {
                crate::error::invalid!("--slope {:e} is too large for generated data: {msg}", self.slope)
            }
            e => e,
        }
    }
    /// For one's own data (--data), σ in use beside the data's residual sd, with the warning
    /// when they differ by more than 2× (`data::sigma_check`); None for generated data, which
    /// is drawn with σ itself.
    pub fn sigma_check(&self, data: &Dataset) -> Option<crate::data::SigmaCheck> {
        self.data.is_some().then(|| crate::data::sigma_check(data, self.noise))
    }
    /// A model of `kind` on `data` with this noise level and source count.
    pub fn model_on(&self, kind: ModelKind, data: &Dataset) -> Result<Arc<Model>> {
        Model::new(kind, data.clone(), self.noise, self.source_count()?).map(Arc::new)
    }
    pub fn lr_choice(&self) -> LrChoice {
        LrChoice { lr: self.lr, scale: self.lr_scale }
    }
    pub fn max_steps(&self) -> u64 {
        self.steps.unwrap_or(DEFAULT_MAX_STEPS)
    }
    /// Refuses options that do not apply to the chosen model (net options with a linear model,
    /// --sources with the net), naming the model they belong to.
    pub fn check_model_options(&self) -> Result<()> {
        let net_only = [
            ("--width", self.width.is_some()),
            ("--act", self.act.is_some()),
            ("--train", self.train.is_some()),
            ("--at", !self.at.is_empty()),
            ("--noise-prior", self.noise_prior.is_some()),
        ];
        match self.model {
            ModelKind::Net if !self.sources.is_empty() => {
                Err(crate::error::invalid!("--sources applies to the very model, not the net (its size is --width)"))
            }
            ModelKind::Net => Ok(()),
            kind => match net_only.iter().find(|(_, given)| *given) {
                Some(("--noise-prior", _)) => Err(crate::error::invalid!(
                    "--noise-prior applies to --model net only: for the lines, the traditional model is the one without noise parameters (not the {} model)",
                    kind.name()
                )),
                Some((name, _)) => {
                    Err(crate::error::invalid!("{name} applies to --model net only (not to the {} model)", kind.name()))
                }
                None => Ok(()),
            },
        }
    }
    /// Rejects a learning rate (--lr, --lr-scale) given to an optimizer that has none.
    pub fn check_lr_applies(&self, opt: Optimizer) -> Result<()> {
        if opt.uses_lr() {
            return Ok(());
        }
        let given = if self.lr.is_some() {
            "--lr"
        } else if self.lr_scale != 1.0 {
            "--lr-scale"
        } else {
            return Ok(());
        };
        Err(crate::error::invalid!(
            "{given} has no effect with the {} optimizer (it applies to gd, whitened and sgd)",
            opt.name()
        ))
    }
    /// The net's settings: --width, --act, --train.
    pub fn net_spec(&self) -> NetSpec {
        NetSpec {
            width: self.width.unwrap_or(DEFAULT_WIDTH),
            act: self.act.unwrap_or_default(),
            train: self.train.unwrap_or_default(),
        }
    }
    /// The net's noise prior σn: --noise-prior, else --noise (0: no noise parameters).
    pub fn noise_prior(&self) -> f64 {
        self.noise_prior.unwrap_or(self.noise)
    }
    /// The net on `data` with this noise prior.
    pub fn net_on(&self, data: &Dataset) -> Result<Arc<Net>> {
        self.net_spec().build(data, self.noise_prior())
    }
    /// The test points x* (data units): --at, or the default for this net.
    pub fn test_points(&self, net: &Net) -> Result<Vec<f64>> {
        if self.at.is_empty() {
            return Ok(vec![crate::net::default_at(net)?]);
        }
        crate::net::check_at(&self.at, net)?;
        Ok(self.at.clone())
    }
    pub fn ensemble_config(&self, default_optimizer: Optimizer) -> EnsembleConfig {
        EnsembleConfig {
            optimizer: self.optimizer.unwrap_or(default_optimizer),
            lr: self.lr_choice(),
            max_steps: self.max_steps(),
            tol: self.tol,
            seed: self.seed,
        }
    }
}

/// A usage error folded onto one line: clap's message and its hints, without the blank lines
/// and the "For more information" footer, the values it quotes cut as `show_value` cuts them.
pub fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let mut rendered = e.render().to_string();
    for kind in [ContextKind::InvalidValue, ContextKind::InvalidArg, ContextKind::InvalidSubcommand] {
        if let Some(ContextValue::String(v)) = e.get(kind) {
            let shown = show_value(v);
            if !v.is_empty() && shown != *v {
                rendered = rendered.replace(v.as_str(), &shown);
            }
        }
    }
    let parts: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:"))
        .collect();
    let line = parts.join(" ");
    if line.starts_with("error:") { line } else { format!("error: {line}") }
}

/// A value as a one-line message shows it: escaped, and cut at 40 characters (as the data
/// file's fields are).
pub fn show_value(v: &str) -> String {
    let escaped: String = v.escape_debug().collect();
    match escaped.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &escaped[..i]),
        None => escaped,
    }
}

/// The flags written on the command line (not defaults), by id, before the subcommand and
/// after it. A global flag (the `Common` ones) may be written on either side.
#[derive(Debug, Clone, Default)]
pub struct Given {
    before: std::collections::BTreeSet<String>,
    after: std::collections::BTreeSet<String>,
}

impl Given {
    /// What `matches` (the whole command line's) holds from the command line itself.
    pub fn of(matches: &clap::ArgMatches) -> Given {
        let written = |m: &clap::ArgMatches| {
            m.ids()
                .filter(|id| m.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine))
                .map(|id| id.as_str().to_string())
                .collect()
        };
        let after = matches.subcommand().map(|(_, sub)| written(sub)).unwrap_or_default();
        Given { before: written(matches), after }
    }
    /// True when flag `id` was written anywhere.
    pub fn any(&self, id: &str) -> bool {
        self.before.contains(id) || self.after.contains(id)
    }
    /// True when flag `id` was written before the subcommand.
    pub fn before_command(&self, id: &str) -> bool {
        self.before.contains(id)
    }
}

/// Parses `args` (the program name first) into the flags and which of them were written.
pub fn parse_from<I, T>(args: I) -> std::result::Result<(Cli, Given), clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut Cli::command()))?;
    Ok((cli, Given::of(&matches)))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// --sources' help names the sweep's default, which is `ridge::SWEEP_SOURCES`.
    #[test]
    fn the_sweep_default_in_the_help_is_the_engines() {
        let cmd = super::Cli::command();
        let arg = cmd.get_arguments().find(|a| a.get_id() == "sources").expect("--sources");
        let help = arg.get_long_help().or(arg.get_help()).expect("a help text").to_string();
        let list = crate::ridge::SWEEP_SOURCES.map(|m| m.to_string()).join(",");
        assert!(help.contains(&format!("[default: {list}]")), "{help}");
    }
}
