//! `--ascii` (and a non-UTF-8 locale): every byte drawn is ASCII. The panes already pick ASCII
//! markers and shades; this last pass over the drawn frame turns whatever else is left (borders,
//! `·`, `θ`, `±`, arrows, the tour's keys) into the nearest ASCII character, so no pane needs
//! two spellings of its text.

use ratatui::buffer::Buffer;

/// The ASCII stand-in for one drawn character.
pub fn ascii_of(c: char) -> char {
    match c {
        c if c.is_ascii() => c,
        '─' | '━' | '┄' | '┅' | '╌' => '-',
        '═' => '=',
        '│' | '┃' | '║' | '┆' | '┇' | '‖' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╔' | '╗' | '╚' | '╝' | '╭' | '╮' | '╰' | '╯' => {
            '+'
        }
        '·' | '•' | '∙' | '…' => '.',
        '◆' | '★' | '✱' => '*',
        '○' | '●' | '∘' | '◦' => 'o',
        '▶' | '→' | '≥' | '›' => '>',
        '◀' | '←' | '≤' | '‹' | '⌫' => '<',
        '↑' | '▲' => '^',
        '↓' | '▼' | '✓' => 'v',
        '✗' | '×' => 'x',
        '÷' => '/',
        '±' => '+',
        '−' | '–' | '—' | '⁻' => '-',
        '∝' | '≈' | '∼' => '~',
        'θ' | 'Θ' => 't',
        'λ' => 'L',
        'σ' => 's',
        'ξ' => 'x',
        'μ' => 'u',
        'Δ' => 'D',
        '∇' => 'V',
        '√' => 'r',
        '²' => '2',
        '½' => '/',
        '█' | '▓' | '■' => '#',
        '▒' => ':',
        '░' => '.',
        '▁' | '▂' | '▃' | '▄' => '_',
        '▅' | '▆' | '▇' => '#',
        // Braille dots (a chart drawn before --ascii took effect): dense or sparse.
        c if ('\u{2800}'..='\u{28ff}').contains(&c) => {
            if (c as u32 - 0x2800).count_ones() > 4 {
                ':'
            } else {
                '.'
            }
        }
        _ => '?',
    }
}

/// Replaces every cell's symbol in `buf` by its ASCII stand-in.
pub fn transliterate(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y))
                && !cell.symbol().is_ascii()
            {
                let s: String = cell.symbol().chars().map(ascii_of).collect();
                cell.set_symbol(&s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stand_in_is_ascii() {
        for c in "─═│║┌╝·◆○▶◀↑↓✓✗×±−∝θλσΔ∇²█▒░▁▇⌫…⣿⠁é".chars()
        {
            assert!(ascii_of(c).is_ascii(), "{c}");
        }
    }
}
