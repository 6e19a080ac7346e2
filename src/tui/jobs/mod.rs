//! Work the explorer does off the UI thread: the histogram worker (`worker`: many inits on a
//! rayon pool of its own) and one-off background jobs (`background`: the net's kernel change,
//! its drift sweep and ridge plane), each cancelled when dropped.

pub mod background;
pub mod worker;
