//! Which view the big pane shows, and which panes each view shows, in focus order. Focus and
//! zoom work the same for every view: the view lists its panes, `ui::layout` lays them out.

/// What the big lower-left pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The histogram of endpoint slopes over many inits, with the theory curves.
    Slopes,
    /// Log-loss on a slice through the endpoint: the ridge itself.
    Ridge,
    /// How far the parameters moved, and how that shrinks as M grows.
    Drift,
    /// Every model's endpoints side by side, as predictions at one test point x*.
    Compare,
    /// Does it overfit? Test error against width (key R).
    Risk,
}

/// A pane of the screen, for focus (f) and zoom (z).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The data and the fitted lines.
    Data,
    /// The view's own pane: slopes, ridge, drift or compare.
    View,
    Loss,
    Inspector,
}

/// The panes `view` shows, in focus order. The compare view's small multiples take the whole
/// left column, so it has no data pane.
pub fn panes(view: View) -> &'static [Pane] {
    match view {
        View::Compare => &[Pane::View, Pane::Loss, Pane::Inspector],
        _ => &[Pane::Data, Pane::View, Pane::Loss, Pane::Inspector],
    }
}

/// `focus` if `view` shows it, else the view's own pane.
pub fn resolve(view: View, focus: Pane) -> Pane {
    if panes(view).contains(&focus) { focus } else { Pane::View }
}

/// The pane after `focus` in `view`'s focus order.
pub fn next(view: View, focus: Pane) -> Pane {
    let list = panes(view);
    let i = list.iter().position(|&p| p == resolve(view, focus)).unwrap_or(0);
    list[(i + 1) % list.len()]
}
