//! The command lines a session stands for: the one that reopens it (printed on quit, written to
//! an export's command.txt), and the headless `ensemble` that gives its histogram again.

use super::Session;
use crate::args::Preset;
use crate::data::{DataSpec, XLayout};
use crate::model::ModelKind;
use crate::optim::Optimizer;
use crate::report::Reproduce;

impl Session {
    /// The command line that reproduces this session's settings.
    pub fn command_line(&self) -> String {
        let (model, optimizer) = (self.current.name(), self.optimizer.name());
        let mut out = format!("overparam {} --model {model} --optimizer {optimizer}", self.data_flags());
        out += &self.model_flags();
        out += &self.lr_flags(self.optimizer);
        out += &format!(" --init {}", self.init_index());
        out += &self.stop_flags();
        if self.ascii {
            out += " --ascii";
        }
        out
    }

    /// The headless command that gives the current histogram's `runs` slopes again. gd's
    /// closed-form limits are `ensemble --optimizer exact`'s endpoints, bit for bit; cg and sgd
    /// are the same trained runs; whitened's limits (prior metric) have no closed-form command,
    /// so the nearest is the trained `ensemble --optimizer whitened`, which agrees to within --tol.
    pub fn reproduce_histogram(&self, runs: usize) -> Reproduce {
        let (opt, matches) = match self.optimizer {
            Optimizer::Gd => (Optimizer::Exact, "exactly"),
            Optimizer::Whitened => (Optimizer::Whitened, "to within --tol"),
            o => (o, "exactly"),
        };
        // One run's init and the explorer's own flags do not apply to an ensemble.
        let command = format!(
            "overparam {} --model {}{}{}{} ensemble --optimizer {} --runs {runs} --format json",
            self.data_flags(),
            self.current.name(),
            self.model_flags(),
            self.lr_flags(opt),
            self.stop_flags(),
            opt.name()
        );
        Reproduce { command, matches }
    }

    /// The seed and where the data comes from: a file, a preset, or the generator's settings.
    fn data_flags(&self) -> String {
        let c = &self.common;
        let d = DataSpec::default();
        let mut out = format!("--seed {}", self.seed);
        if let Some(path) = &c.data {
            out += &format!(" --data {}", shell_quote(&path.display().to_string()));
            if !c.columns.is_empty() {
                out += &format!(" --columns {}", shell_quote(&c.columns.join(",")));
            }
        } else {
            match c.preset {
                Some(Preset::Small) => out += " --preset small",
                Some(Preset::Demo) => out += " --preset demo",
                None => {
                    if c.n != d.n {
                        out += &format!(" --n {}", c.n);
                    }
                    out += match c.x {
                        XLayout::Normal => " --x normal",
                        XLayout::Uniform => " --x uniform",
                        XLayout::Grid => "",
                    };
                }
            }
            if c.slope != d.slope {
                out += &format!(" --slope {}", c.slope);
            }
        }
        if c.noise != d.noise {
            out += &format!(" --noise {}", c.noise);
        }
        out
    }

    /// The net's options (only with the net: the headless commands refuse them elsewhere) and
    /// the very model's sources (not with the net, which refuses them).
    fn model_flags(&self) -> String {
        let mut out = String::new();
        if self.current == ModelKind::Net {
            let spec = self.net_spec;
            out += &format!(
                " --width {} --act {} --train {} --at {}",
                spec.width,
                spec.act.name(),
                spec.train.name(),
                self.at
            );
            if let Some(v) = self.common.noise_prior {
                out += &format!(" --noise-prior {v}");
            }
        }
        // The lines' compare view builds the very model from them; the net refuses them.
        if let Ok(m) = self.common.source_count()
            && m != crate::args::DEFAULT_SOURCES
            && self.current != ModelKind::Net
        {
            out += &format!(" --sources {m}");
        }
        out
    }

    /// The learning rate as chosen, when `optimizer` takes one.
    fn lr_flags(&self, optimizer: Optimizer) -> String {
        match self.lr.lr {
            _ if !optimizer.uses_lr() => String::new(),
            Some(v) => format!(" --lr {v}"),
            None if self.lr.scale != 1.0 => format!(" --lr-scale {}", self.lr.scale),
            None => String::new(),
        }
    }

    /// When runs stop: --steps and --tol when they are not the defaults.
    fn stop_flags(&self) -> String {
        let c = &self.common;
        let mut out = String::new();
        if let Some(s) = c.steps {
            out += &format!(" --steps {s}");
        }
        if c.tol != crate::optim::DEFAULT_TOL {
            out += &format!(" --tol {:e}", c.tol);
        }
        out
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
