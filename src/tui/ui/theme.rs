//! Named styles and markers. Only the 16 named ANSI colours are used; without colour (NO_COLOR)
//! or with ASCII markers each series gets its own glyph, so none is told apart by colour alone.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Points,
    True,
    Mle,
    Run,
    Posterior,
    Predicted,
    Bars,
    /// The test point x*.
    Test,
    /// The band of the trained nets' functions.
    Ensemble,
    /// Nets trained for real beside a closed form (the risk view).
    Trained,
    /// The three lines as points (the risk view).
    Lines,
}

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    /// Glyph markers instead of braille: asked for, or needed because there is no colour.
    pub fn plain(&self) -> bool {
        self.ascii || !self.color
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    pub fn series(&self, s: Series) -> Style {
        self.fg(match s {
            Series::Points => Color::Gray,
            Series::True => Color::Green,
            Series::Mle => Color::Yellow,
            Series::Run => Color::LightMagenta,
            Series::Posterior => Color::LightCyan,
            Series::Predicted => Color::LightRed,
            Series::Bars => Color::Blue,
            Series::Test => Color::White,
            Series::Ensemble => Color::Blue,
            Series::Trained => Color::Yellow,
            Series::Lines => Color::Green,
        })
    }

    fn glyph(s: Series) -> char {
        match s {
            Series::Points => 'o',
            Series::True => '.',
            Series::Mle => '+',
            Series::Run => '*',
            Series::Posterior => '~',
            Series::Predicted => ':',
            Series::Bars => '#',
            Series::Test => '|',
            Series::Ensemble => '#',
            Series::Trained => 'x',
            Series::Lines => '@',
        }
    }

    pub fn marker(&self, s: Series) -> Marker {
        match s {
            _ if self.plain() => Marker::Custom(Self::glyph(s)),
            Series::Points | Series::Trained | Series::Lines => Marker::Dot,
            Series::Bars => Marker::HalfBlock,
            _ => Marker::Braille,
        }
    }

    /// What the legend shows for a series: its glyph, or a line in its colour.
    pub fn symbol(&self, s: Series) -> String {
        if self.plain() {
            return Self::glyph(s).to_string();
        }
        match s {
            Series::Points | Series::Trained | Series::Lines => "•",
            Series::Bars => "█",
            Series::Predicted => "┅",
            Series::Test => "│",
            _ => "━",
        }
        .to_string()
    }

    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn label(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn key(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn bad(&self) -> Style {
        if self.color {
            Style::new().fg(Color::LightRed).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub fn good(&self) -> Style {
        self.fg(Color::LightGreen)
    }
    pub fn axis(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    /// The focused pane's border (its double lines mark it without colour).
    pub fn focus(&self) -> Style {
        self.key()
    }
}
