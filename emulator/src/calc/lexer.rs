//! Splits an expression text into tokens, each with its line number:
//! numbers, quoted strings (`'...'`, `''` for a quote), bare time literals
//! (`UTC20160101000000000`), names, `##`, `@FUNCTION`, operators and line
//! ends (`;` ends a statement too).

use super::error::CalcError;

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Num(f64),
    Str(String),
    /// A bare time point literal, e.g. `UTC20160101000000000`.
    Time(String),
    Ident(String),
    /// `##`, the result.
    Result,
    /// `@NAME`.
    Func(String),
    Percent,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Assign,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Newline,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: usize,
}

fn syntax(line: usize, message: impl Into<String>) -> CalcError {
    CalcError::Syntax {
        line,
        message: message.into(),
    }
}

/// Whether a name is a time literal: a zone prefix and at least 8 digits.
fn is_time_literal(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["UTC", "LOCAL", "STANDARD"].iter().any(|prefix| {
        upper
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.len() >= 8 && rest.bytes().all(|b| b.is_ascii_digit()))
    })
}

pub fn tokenize(text: &str) -> Result<Vec<Token>, CalcError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start_line = line;
        let mut push = |tok: Tok| {
            tokens.push(Token {
                tok,
                line: start_line,
            })
        };
        match c {
            '\n' | ';' => {
                push(Tok::Newline);
                if c == '\n' {
                    line += 1;
                }
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '\'' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(syntax(start_line, "a string is not closed with '"))
                        }
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            s.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                push(Tok::Str(s));
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let from = i;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_ascii_digit() || *d == '.')
                {
                    i += 1;
                }
                if chars.get(i).is_some_and(|e| *e == 'e' || *e == 'E') {
                    let mut j = i + 1;
                    if chars.get(j).is_some_and(|s| *s == '+' || *s == '-') {
                        j += 1;
                    }
                    if chars.get(j).is_some_and(|d| d.is_ascii_digit()) {
                        i = j;
                        while chars.get(i).is_some_and(|d| d.is_ascii_digit()) {
                            i += 1;
                        }
                    }
                }
                let literal: String = chars[from..i].iter().collect();
                let value = literal
                    .parse::<f64>()
                    .map_err(|_| syntax(start_line, format!("'{literal}' is not a number")))?;
                push(Tok::Num(value));
            }
            c if c.is_alphabetic() || c == '_' => {
                let from = i;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || *d == '_')
                {
                    i += 1;
                }
                let name: String = chars[from..i].iter().collect();
                if is_time_literal(&name) {
                    push(Tok::Time(name));
                } else {
                    push(Tok::Ident(name));
                }
            }
            '@' => {
                let from = i + 1;
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || *d == '_')
                {
                    i += 1;
                }
                if i == from {
                    return Err(syntax(
                        start_line,
                        "'@' must be followed by a function name",
                    ));
                }
                push(Tok::Func(chars[from..i].iter().collect()));
            }
            '#' => {
                if chars.get(i + 1) != Some(&'#') {
                    return Err(syntax(
                        start_line,
                        "a single '#' (the result is written ##)",
                    ));
                }
                push(Tok::Result);
                i += 2;
            }
            _ => {
                let next = chars.get(i + 1).copied();
                let (tok, len) = match (c, next) {
                    ('=', Some('=')) => (Tok::Eq, 2),
                    ('!', Some('=')) => (Tok::Ne, 2),
                    ('<', Some('>')) => (Tok::Ne, 2),
                    ('<', Some('=')) => (Tok::Le, 2),
                    ('>', Some('=')) => (Tok::Ge, 2),
                    ('=', _) => (Tok::Assign, 1),
                    ('<', _) => (Tok::Lt, 1),
                    ('>', _) => (Tok::Gt, 1),
                    ('(', _) => (Tok::LParen, 1),
                    (')', _) => (Tok::RParen, 1),
                    ('{', _) => (Tok::LBrace, 1),
                    ('}', _) => (Tok::RBrace, 1),
                    (',', _) => (Tok::Comma, 1),
                    ('+', _) => (Tok::Plus, 1),
                    ('-', _) => (Tok::Minus, 1),
                    ('*', _) => (Tok::Star, 1),
                    ('/', _) => (Tok::Slash, 1),
                    ('%', _) => (Tok::Percent, 1),
                    _ => return Err(syntax(start_line, format!("unexpected character '{c}'"))),
                };
                push(tok);
                i += len;
            }
        }
    }
    Ok(tokens)
}
