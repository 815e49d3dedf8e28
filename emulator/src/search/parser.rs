//! Parses a search query into a [`Query`]: a traversal, then optionally an
//! attribute access. Hand-written recursive descent over the query's
//! characters, so that every error can say where it is; criteria values
//! are scanned raw (they may hold regular expressions with brackets).
//!
//! Grammar (`/` binds tighter than `&`, which binds tighter than `|`):
//!
//! ```text
//! query     := [union] ['.' name (',' name)*]
//! union     := inter ('|' inter)*
//! inter     := compose ('&' compose)*
//! compose   := postfix ('/' postfix)*
//! postfix   := primary ('+' | '{+}')*            repeater, memoizing repeater
//! primary   := '(' union ')' | '@' [crit] | crit
//!            | ('*' | '+' | '{*}' | '{+}') [crit]   child walks
//!            | '..' [('*' | '+' | '{*}' | '{+}') crit]   parent step, walks
//!            | '~~' [crit] | '~' [crit]           link walks
//!            | name                               a relation attribute
//! crit      := '[' or ']' ['{i}']
//! or        := and ('||' and)*
//! and       := not ('&&' not)*
//! not       := '!' not | '(' or ')' | operand [op value]
//! operand   := [union] '.' name                   `.Name` and `.Type` are the
//!                                                 object's own name and type
//! op        := '=' | '<' | '>' | '<=' | '>=' | '~' | '#'
//! ```

use regex::Regex;

use super::SearchError;

/// How deep parentheses, brackets and nested operands may go; deeper
/// queries are refused rather than risk the stack.
const MAX_NESTING: usize = 64;

#[derive(Clone, Debug)]
pub(crate) struct Query {
    pub(crate) traversal: Traversal,
    /// The attribute names of a final `.A,B,C`; `None` for an object search.
    pub(crate) attributes: Option<Vec<String>>,
}

/// Which objects a child or parent walk outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Walk {
    /// `+`: the start object itself is never a result.
    pub(crate) strict: bool,
    /// `{*}`, `{+}`: the objects visited on the way to a result are
    /// results too.
    pub(crate) keep_path: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Traversal {
    /// `@`, or nothing before an attribute access.
    Current,
    /// `@[c]`
    Filter(Criteria),
    /// `[c]`
    Children(Criteria),
    /// `*`, `+`, `{*}`, `{+}`, each optionally with criteria.
    Descend(Walk, Option<Criteria>),
    /// `..`
    Parent,
    /// `..*[c]`, `..+[c]`, `..{*}[c]`, `..{+}[c]`
    Ascend(Walk, Criteria),
    /// `~`: objects the current one links to (through link relations,
    /// versioned ones included), optionally filtered.
    Links(Option<Criteria>),
    /// `~~`: objects that link to the current one, optionally filtered.
    LinkedFrom(Option<Criteria>),
    /// A relation attribute's name: its targets (ownership or link).
    Relation(String),
    /// `X+` (most nested results) or `X{+}` (every repetition's results).
    Repeat {
        inner: Box<Traversal>,
        keep_all: bool,
    },
    Compose(Vec<Traversal>),
    Intersect(Vec<Traversal>),
    Union(Vec<Traversal>),
}

#[derive(Clone, Debug)]
pub(crate) struct Criteria {
    pub(crate) test: Test,
    /// `{i}`: text comparisons ignore case.
    pub(crate) ignore_case: bool,
}

#[derive(Clone, Debug)]
pub(crate) enum Test {
    And(Vec<Test>),
    Or(Vec<Test>),
    Not(Box<Test>),
    /// An operand, compared with a value, or on its own: whether it finds
    /// anything.
    Check {
        operand: Operand,
        comparison: Option<Comparison>,
    },
}

/// What a criterion looks at: a property of the objects a traversal from
/// the candidate finds.
#[derive(Clone, Debug)]
pub(crate) struct Operand {
    pub(crate) traversal: Box<Traversal>,
    pub(crate) property: Property,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Property {
    /// `.Name`: the object's name.
    Name,
    /// `.Type`: the object's type name.
    Type,
    /// `.X`: the values of its attribute `X`.
    Attribute(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
    Matches,
}

#[derive(Clone, Debug)]
pub(crate) struct Comparison {
    pub(crate) op: Op,
    pub(crate) value: String,
    /// For `#`: the value compiled, anchored at both ends, case-insensitive
    /// under `{i}`.
    pub(crate) regex: Option<Regex>,
}

pub(crate) fn parse(query: &str) -> Result<Query, SearchError> {
    let mut p = Parser {
        text: query,
        chars: query.chars().collect(),
        pos: 0,
        depth: 0,
    };
    p.skip_space();
    if p.at_end() {
        return Err(p.error("the query is empty"));
    }
    let traversal = if p.peek() == Some('.') && p.peek_at(1) != Some('.') {
        Traversal::Current
    } else {
        p.union()?
    };
    p.skip_space();
    let attributes = if p.peek() == Some('.') {
        p.pos += 1;
        let mut names = vec![p.name("an attribute name after '.'")?];
        loop {
            p.skip_space();
            if p.peek() != Some(',') {
                break;
            }
            p.pos += 1;
            p.skip_space();
            names.push(p.name("an attribute name after ','")?);
        }
        Some(names)
    } else {
        None
    };
    p.skip_space();
    if !p.at_end() {
        return Err(p.error(format!("unexpected '{}'", p.chars[p.pos])));
    }
    Ok(Query {
        traversal,
        attributes,
    })
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> SearchError {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, position: usize, message: impl Into<String>) -> SearchError {
        SearchError::Syntax {
            query: self.text.to_string(),
            position,
            message: message.into(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.looking_at(s) {
            self.pos += s.chars().count();
            true
        } else {
            false
        }
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), SearchError> {
        self.skip_space();
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.error(format!("expected '{s}'")))
        }
    }

    /// Counts one level of nesting for as long as the caller parses inside it.
    fn nest(&mut self) -> Result<(), SearchError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(format!("nested more than {MAX_NESTING} deep")));
        }
        Ok(())
    }

    fn name(&mut self, what: &str) -> Result<String, SearchError> {
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.error(format!("expected {what}")));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    fn union(&mut self) -> Result<Traversal, SearchError> {
        let mut parts = vec![self.intersection()?];
        loop {
            self.skip_space();
            if self.looking_at("||") || !self.eat("|") {
                break;
            }
            parts.push(self.intersection()?);
        }
        Ok(one_or(parts, Traversal::Union))
    }

    fn intersection(&mut self) -> Result<Traversal, SearchError> {
        let mut parts = vec![self.composition()?];
        loop {
            self.skip_space();
            if self.looking_at("&&") || !self.eat("&") {
                break;
            }
            parts.push(self.composition()?);
        }
        Ok(one_or(parts, Traversal::Intersect))
    }

    fn composition(&mut self) -> Result<Traversal, SearchError> {
        let mut steps = vec![self.postfix()?];
        loop {
            self.skip_space();
            if !self.eat("/") {
                break;
            }
            steps.push(self.postfix()?);
        }
        Ok(one_or(steps, Traversal::Compose))
    }

    fn postfix(&mut self) -> Result<Traversal, SearchError> {
        let mut step = self.primary()?;
        let mut repeats = 0;
        loop {
            // `+` right after a step repeats it; `+[` would start a walk,
            // which needs a `/` before it.
            let keep_all = if self.eat("{+}") {
                true
            } else if self.peek() == Some('+') && self.peek_at(1) != Some('[') {
                self.pos += 1;
                false
            } else {
                break;
            };
            repeats += 1;
            if repeats > MAX_NESTING {
                return Err(self.error(format!("repeated more than {MAX_NESTING} times")));
            }
            step = Traversal::Repeat {
                inner: Box::new(step),
                keep_all,
            };
        }
        Ok(step)
    }

    /// `*`, `+`, `{*}` or `{+}`, if one comes next.
    fn walk(&mut self) -> Option<Walk> {
        let (strict, keep_path) = if self.eat("{*}") {
            (false, true)
        } else if self.eat("{+}") {
            (true, true)
        } else if self.eat("*") {
            (false, false)
        } else if self.eat("+") {
            (true, false)
        } else {
            return None;
        };
        Some(Walk { strict, keep_path })
    }

    fn optional_criteria(&mut self) -> Result<Option<Criteria>, SearchError> {
        if self.peek() == Some('[') {
            self.criteria().map(Some)
        } else {
            Ok(None)
        }
    }

    fn primary(&mut self) -> Result<Traversal, SearchError> {
        self.skip_space();
        let start = self.pos;
        if self.eat("(") {
            self.nest()?;
            let inner = self.union()?;
            self.depth -= 1;
            self.expect(")")?;
            return Ok(inner);
        }
        if self.eat("@") {
            return Ok(match self.optional_criteria()? {
                Some(c) => Traversal::Filter(c),
                None => Traversal::Current,
            });
        }
        if self.peek() == Some('[') {
            return Ok(Traversal::Children(self.criteria()?));
        }
        if self.eat("..") {
            let walk_at = self.pos;
            // `..+` and `..{+}` without criteria repeat the parent step.
            if (self.looking_at("+") && !self.looking_at("+["))
                || (self.looking_at("{+}") && !self.looking_at("{+}["))
            {
                return Ok(Traversal::Parent);
            }
            return match self.walk() {
                None => Ok(Traversal::Parent),
                Some(walk) if self.peek() == Some('[') => {
                    Ok(Traversal::Ascend(walk, self.criteria()?))
                }
                Some(_) => Err(self.error_at(
                    walk_at,
                    "a parent walk needs criteria: '..*[...]' or '..+[...]'",
                )),
            };
        }
        if let Some(walk) = self.walk() {
            return Ok(Traversal::Descend(walk, self.optional_criteria()?));
        }
        if self.eat("~~") {
            return Ok(Traversal::LinkedFrom(self.optional_criteria()?));
        }
        if self.eat("~") {
            return Ok(Traversal::Links(self.optional_criteria()?));
        }
        if self.peek().is_some_and(is_name_char) {
            return Ok(Traversal::Relation(self.name("a relation name")?));
        }
        Err(match self.peek() {
            None => self.error_at(start, "the query ends where a search step was expected"),
            Some(c) => self.error_at(start, format!("expected a search step, not '{c}'")),
        })
    }

    /// `[ ... ]` with an optional `{i}` after it.
    fn criteria(&mut self) -> Result<Criteria, SearchError> {
        self.expect("[")?;
        self.nest()?;
        let test = self.or()?;
        self.depth -= 1;
        self.skip_space();
        if !self.eat("]") {
            return Err(self.error("expected ']' or an operator ('&&', '||')"));
        }
        let ignore_case = self.eat("{i}");
        let test = if ignore_case {
            ignore_case_in(test)
        } else {
            test
        };
        Ok(Criteria { test, ignore_case })
    }

    fn or(&mut self) -> Result<Test, SearchError> {
        let mut parts = vec![self.and()?];
        loop {
            self.skip_space();
            if !self.eat("||") {
                break;
            }
            parts.push(self.and()?);
        }
        Ok(one_or(parts, Test::Or))
    }

    fn and(&mut self) -> Result<Test, SearchError> {
        let mut parts = vec![self.not()?];
        loop {
            self.skip_space();
            if !self.eat("&&") {
                break;
            }
            parts.push(self.not()?);
        }
        Ok(one_or(parts, Test::And))
    }

    fn not(&mut self) -> Result<Test, SearchError> {
        self.skip_space();
        if self.eat("!") {
            self.nest()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Test::Not(Box::new(inner)));
        }
        if self.eat("(") {
            self.nest()?;
            let inner = self.or()?;
            self.depth -= 1;
            self.expect(")")?;
            return Ok(inner);
        }
        let operand = self.operand()?;
        self.skip_space();
        let op = if self.eat("<=") {
            Op::Le
        } else if self.eat(">=") {
            Op::Ge
        } else if self.eat("=") {
            Op::Eq
        } else if self.eat("<") {
            Op::Lt
        } else if self.eat(">") {
            Op::Gt
        } else if self.eat("~") {
            Op::Contains
        } else if self.eat("#") {
            Op::Matches
        } else {
            return Ok(Test::Check {
                operand,
                comparison: None,
            });
        };
        let value_at = self.pos;
        let value = self.value()?;
        let regex = match op {
            Op::Matches => Some(compile(&value, false).map_err(|e| {
                self.error_at(value_at, format!("invalid regular expression: {e}"))
            })?),
            _ => None,
        };
        Ok(Test::Check {
            operand,
            comparison: Some(Comparison { op, value, regex }),
        })
    }

    fn operand(&mut self) -> Result<Operand, SearchError> {
        self.skip_space();
        let start = self.pos;
        let traversal = if self.peek() == Some('.') && self.peek_at(1) != Some('.') {
            Traversal::Current
        } else {
            self.nest()?;
            let t = self.union()?;
            self.depth -= 1;
            t
        };
        self.skip_space();
        if !self.eat(".") {
            return Err(self.error_at(
                start,
                "a criterion starts with a property such as '.Name', '.Type' or '.<attribute>'",
            ));
        }
        let property = match self.name("a property name after '.'")?.as_str() {
            "Name" => Property::Name,
            "Type" => Property::Type,
            other => Property::Attribute(other.to_string()),
        };
        Ok(Operand {
            traversal: Box::new(traversal),
            property,
        })
    }

    /// A criterion's value: quoted, or the raw text up to `]`, `)`, `&&` or
    /// `||` outside brackets and parentheses, trimmed.
    fn value(&mut self) -> Result<String, SearchError> {
        self.skip_space();
        if let Some(quote @ ('"' | '\'')) = self.peek() {
            let open = self.pos;
            self.pos += 1;
            let start = self.pos;
            while self.peek().is_some_and(|c| c != quote) {
                self.pos += 1;
            }
            if self.at_end() {
                return Err(self.error_at(open, format!("the quote {quote} is never closed")));
            }
            let value = self.chars[start..self.pos].iter().collect();
            self.pos += 1;
            return Ok(value);
        }
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' if depth == 0 => break,
                ']' | ')' => depth -= 1,
                '&' | '|' if depth == 0 && self.peek_at(1) == Some(c) => break,
                _ => {}
            }
            self.pos += 1;
        }
        let value: String = self.chars[start..self.pos].iter().collect();
        Ok(value.trim().to_string())
    }
}

/// A single part as itself, several combined.
fn one_or<T>(mut parts: Vec<T>, combine: impl FnOnce(Vec<T>) -> T) -> T {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        combine(parts)
    }
}

/// `value` as a regular expression that must match a whole text.
fn compile(value: &str, ignore_case: bool) -> Result<Regex, regex::Error> {
    let flags = if ignore_case { "(?i)" } else { "" };
    Regex::new(&format!("{flags}^(?:{value})$"))
}

/// `test` with its regular expressions recompiled to ignore case (`{i}`
/// comes after the criteria it applies to).
fn ignore_case_in(test: Test) -> Test {
    match test {
        Test::And(parts) => Test::And(parts.into_iter().map(ignore_case_in).collect()),
        Test::Or(parts) => Test::Or(parts.into_iter().map(ignore_case_in).collect()),
        Test::Not(inner) => Test::Not(Box::new(ignore_case_in(*inner))),
        Test::Check {
            operand,
            comparison: Some(mut c),
        } if c.op == Op::Matches => {
            // It compiled with case, so it compiles without.
            if let Ok(regex) = compile(&c.value, true) {
                c.regex = Some(regex);
            }
            Test::Check {
                operand,
                comparison: Some(c),
            }
        }
        other => other,
    }
}
