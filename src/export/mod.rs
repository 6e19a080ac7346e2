//! Files a user takes away: a folder written whole or not at all (`files`), shared by the
//! explorer's session export and `overparam plot`'s SVG figures (`plot`).

pub mod files;
pub mod plot;
