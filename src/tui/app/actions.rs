//! What each key action does: one arm per `Action`, each a call into the controller. Every
//! action but export clears the status line first (export's screen.txt is the screen as shown).

use super::{App, Outcome};
use crate::tui::keys::Action;
use crate::tui::session::{View, view};

/// The most steps a frame may take (`+`).
const MAX_STEPS_PER_FRAME: u64 = 1 << 20;

impl App {
    pub fn act(&mut self, action: Action) -> Outcome {
        if action != Action::Export {
            self.session.message = None;
        }
        let s = &mut self.session;
        match action {
            Action::Tour => self.toggle_tour(),
            Action::TourNext => self.turn_chapter(1),
            Action::TourBack => self.turn_chapter(-1),
            Action::TourList => self.toggle_chapter_list(),
            Action::TourUp => self.scroll_tour(false),
            Action::TourDown => self.scroll_tour(true),
            Action::Quit => return Outcome::Quit,
            Action::Suspend => return Outcome::Suspend,
            Action::Help => s.help = !s.help,
            Action::Export => s.message = Some(super::export::export(s)),
            Action::RunPause => self.toggle_run(),
            Action::Step => self.manual_steps(1),
            Action::Step100 => self.manual_steps(100),
            Action::Faster => s.steps_per_frame = (s.steps_per_frame * 2).min(MAX_STEPS_PER_FRAME),
            Action::Slower => s.steps_per_frame = (s.steps_per_frame / 2).max(1),
            Action::NextModel => self.switch_model(1),
            Action::PrevModel => self.switch_model(crate::model::ModelKind::ALL.len() - 1),
            Action::AtLeft => self.move_at(-1.0),
            Action::AtRight => self.move_at(1.0),
            Action::WidthUp => self.scale_width(true),
            Action::WidthDown => self.scale_width(false),
            Action::ToggleTrain => self.toggle_train(),
            Action::ToggleNoiseParams => self.toggle_noise_params(),
            Action::NextAct => self.toggle_act(),
            Action::NextOptimizer => self.next_optimizer(),
            Action::LrUp => self.scale_lr(2.0),
            Action::LrDown => self.scale_lr(0.5),
            Action::LrDefault => self.default_lr(),
            Action::Replay => self.replay(),
            Action::NewInit => self.new_init(),
            Action::NewData => self.new_data(),
            Action::NextData => self.cycle_data(),
            Action::AddRuns => self.add_runs(),
            Action::ClearRuns => self.clear_runs(),
            Action::ToggleLog => s.log_loss = !s.log_loss,
            Action::ToggleAscii => s.ascii = !s.ascii,
            Action::ToggleRidge => self.toggle_view(View::Ridge),
            Action::ToggleDrift => self.toggle_view(View::Drift),
            Action::ToggleRisk => self.toggle_view(View::Risk),
            Action::ToggleCompare => self.toggle_view(View::Compare),
            Action::FocusNext => s.focus = view::next(s.view, s.focus),
            Action::Zoom => {
                s.focus = view::resolve(s.view, s.focus);
                s.zoomed = !s.zoomed;
            }
        }
        Outcome::Continue
    }
}
