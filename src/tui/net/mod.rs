//! The wide network in the explorer: its run, histogram and bands (`slot`), and how its panes
//! are drawn (`draw`). The rest of the explorer asks here whenever the current model is the net.

pub mod draw;
pub mod drift;
pub mod ridge;
pub mod slot;

pub use slot::{NetHistogram, NetSlot};
