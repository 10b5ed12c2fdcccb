//! Colour with plain ANSI escapes: only on a terminal, never when `NO_COLOR` is set (<https://no-color.org>)
//! or `TERM=dumb`.

use std::ffi::OsStr;
use std::io::IsTerminal;

/// Whether to colour, and how. `Copy`; the methods return the text unchanged when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    on: bool,
}

impl Style {
    /// No colour.
    #[cfg(test)]
    pub(crate) const PLAIN: Style = Style { on: false };

    /// Colour for a stream that is (or is not) a terminal, honouring the environment.
    pub(crate) fn for_terminal(is_terminal: bool) -> Self {
        Self::decide(
            is_terminal,
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    /// The rule: a terminal, `NO_COLOR` unset or empty, `TERM` not `dumb`.
    fn decide(is_terminal: bool, no_color: Option<&OsStr>, term: Option<&OsStr>) -> Self {
        let no_color = no_color.is_some_and(|v| !v.is_empty());
        let dumb = term.is_some_and(|v| v == "dumb");
        Style {
            on: is_terminal && !no_color && !dumb,
        }
    }

    /// For stdout.
    pub(crate) fn stdout() -> Self {
        Self::for_terminal(std::io::stdout().is_terminal())
    }

    /// For stderr.
    pub(crate) fn stderr() -> Self {
        Self::for_terminal(std::io::stderr().is_terminal())
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub(crate) fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Dim, for notes.
    pub(crate) fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Bold red, for errors and carets.
    pub(crate) fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Cyan, for field names.
    pub(crate) fn key(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// Bold green, for kinds.
    pub(crate) fn kind(self, text: &str) -> String {
        self.paint("1;32", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_unchanged_and_colour_wraps() {
        assert_eq!(Style::PLAIN.bold("x"), "x");
        assert_eq!(Style { on: true }.error("^"), "\x1b[1;31m^\x1b[0m");
        assert_eq!(Style { on: true }.dim(""), "");
        assert_eq!(Style::for_terminal(false), Style::PLAIN);
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        let os = |s: &'static str| Some(OsStr::new(s));
        assert!(Style::decide(true, None, os("xterm-256color")).on);
        assert!(
            Style::decide(true, os(""), None).on,
            "empty NO_COLOR is unset"
        );
        assert!(!Style::decide(true, os("1"), os("xterm")).on);
        assert!(!Style::decide(true, None, os("dumb")).on);
        assert!(!Style::decide(false, None, os("xterm")).on);
    }
}
