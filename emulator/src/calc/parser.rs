//! Parses expression text into the value of `##`. Statements are lines:
//! `## = <expr>`, `<name> = <expr>`, `IF <expr> THEN ... [ELSE ...] ENDIF`
//! and bare function calls (such as `@PDLOG(...)`, checked but without
//! effect on the result).
//!
//! Variables are resolved while parsing: a use of `x` becomes the
//! expression `x` was last given above it, and an assignment inside an IF
//! becomes a choice between the new and the previous value under the
//! condition. So the program reduces to one expression tree for `##`,
//! which the evaluator computes lazily for whatever interval a caller
//! needs (a transformation may need more than the requested interval).

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{lookup, BinOp, Expr};
use super::error::CalcError;
use super::lexer::{tokenize, Tok, Token};

/// How deep the text may nest (parentheses, calls, IF blocks).
const MAX_NESTING: usize = 64;

/// How tall the expression tree of `##` may grow, variables and chains of
/// operators included: evaluating it (and dropping it) recurses that deep.
pub const MAX_HEIGHT: usize = 200;

/// The result name.
pub const RESULT: &str = "##";

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    /// The height of every node made so far, by address.
    heights: HashMap<usize, usize>,
}

fn is_keyword(tok: Option<&Tok>, word: &str) -> bool {
    matches!(tok, Some(Tok::Ident(name)) if name.eq_ignore_ascii_case(word))
}

/// Parses `text` into the expression of `##`; `None` when no statement
/// sets it.
pub fn parse(text: &str) -> Result<Option<Rc<Expr>>, CalcError> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        pos: 0,
        depth: 0,
        heights: HashMap::new(),
    };
    let mut bindings = HashMap::new();
    parser.block(&mut bindings, false)?;
    if parser.pos < parser.tokens.len() {
        return Err(parser.error("unexpected ELSE or ENDIF outside an IF"));
    }
    Ok(bindings.remove(RESULT))
}

type Bindings = HashMap<String, Rc<Expr>>;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn line(&self) -> usize {
        self.tokens
            .get(self.pos)
            .or_else(|| self.tokens.last())
            .map(|t| t.line)
            .unwrap_or(1)
    }

    fn error(&self, message: impl Into<String>) -> CalcError {
        CalcError::Syntax {
            line: self.line(),
            message: message.into(),
        }
    }

    fn next(&mut self) -> Option<Tok> {
        let tok = self.tokens.get(self.pos).map(|t| t.tok.clone());
        self.pos += 1;
        tok
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<(), CalcError> {
        if self.peek() == Some(want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn enter(&mut self) -> Result<(), CalcError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error(format!("nested more than {MAX_NESTING} deep")));
        }
        Ok(())
    }

    /// Makes a node, refusing one that would make the tree too tall.
    fn node(&mut self, expr: Expr) -> Result<Rc<Expr>, CalcError> {
        let children: Vec<&Rc<Expr>> = match &expr {
            Expr::Num(_) | Expr::Str(_) | Expr::Time(_) | Expr::Catalog(_) => Vec::new(),
            Expr::List(items) | Expr::Call(_, _, items) => items.iter().collect(),
            Expr::Var(x) | Expr::Neg(x) => vec![x],
            Expr::Bin(_, a, b) => vec![a, b],
            Expr::Select {
                cond,
                then,
                otherwise,
                ..
            } => [Some(cond), then.as_ref(), otherwise.as_ref()]
                .into_iter()
                .flatten()
                .collect(),
        };
        let height = 1 + children
            .iter()
            .map(|c| {
                self.heights
                    .get(&(Rc::as_ptr(c) as usize))
                    .copied()
                    .unwrap_or(1)
            })
            .max()
            .unwrap_or(0);
        if height > MAX_HEIGHT {
            return Err(self.error(format!(
                "the expression grows more than {MAX_HEIGHT} operations deep"
            )));
        }
        let node = Rc::new(expr);
        self.heights.insert(Rc::as_ptr(&node) as usize, height);
        Ok(node)
    }

    /// Statements up to the end, or (inside an IF) up to ELSE or ENDIF.
    fn block(&mut self, bindings: &mut Bindings, in_if: bool) -> Result<(), CalcError> {
        loop {
            while self.peek() == Some(&Tok::Newline) {
                self.pos += 1;
            }
            match self.peek() {
                None => return Ok(()),
                t if is_keyword(t, "ELSE") || is_keyword(t, "ENDIF") => {
                    return if in_if {
                        Ok(())
                    } else {
                        Err(self.error("ELSE or ENDIF without IF"))
                    };
                }
                _ => {}
            }
            self.statement(bindings)?;
            let t = self.peek();
            if !(t.is_none()
                || t == Some(&Tok::Newline)
                || is_keyword(t, "ELSE")
                || is_keyword(t, "ENDIF"))
            {
                return Err(self.error("expected the end of the statement"));
            }
        }
    }

    fn statement(&mut self, bindings: &mut Bindings) -> Result<(), CalcError> {
        match self.peek() {
            Some(Tok::Result) => {
                self.pos += 1;
                self.expect(&Tok::Assign, "'=' after ##")?;
                let value = self.expr(bindings)?;
                bindings.insert(RESULT.to_string(), value);
                Ok(())
            }
            t if is_keyword(t, "IF") => self.if_statement(bindings),
            Some(Tok::Ident(name))
                if self.tokens.get(self.pos + 1).map(|t| &t.tok) == Some(&Tok::Assign) =>
            {
                let name = name.clone();
                if ["THEN", "ELSE", "ENDIF"]
                    .iter()
                    .any(|k| name.eq_ignore_ascii_case(k))
                {
                    return Err(self.error(format!("'{name}' is a keyword")));
                }
                self.pos += 2;
                let value = self.expr(bindings)?;
                let var = self.node(Expr::Var(value))?;
                bindings.insert(name, var);
                Ok(())
            }
            Some(Tok::Func(_)) => {
                // A call for its side effect in Mesh (logging); it is parsed
                // and checked, and leaves the result alone.
                self.expr(bindings)?;
                Ok(())
            }
            _ => Err(self.error("a statement is ## = ..., name = ..., IF ... or a function call")),
        }
    }

    fn if_statement(&mut self, bindings: &mut Bindings) -> Result<(), CalcError> {
        self.enter()?;
        self.pos += 1;
        let cond = self.expr(bindings)?;
        let cond = self.node(Expr::Var(cond))?;
        if !is_keyword(self.peek(), "THEN") {
            return Err(self.error("expected THEN after the IF condition"));
        }
        self.pos += 1;
        let mut then_b = bindings.clone();
        self.block(&mut then_b, true)?;
        let mut else_b = bindings.clone();
        if is_keyword(self.peek(), "ELSE") {
            self.pos += 1;
            self.block(&mut else_b, true)?;
        }
        if !is_keyword(self.peek(), "ENDIF") {
            return Err(self.error("IF without ENDIF"));
        }
        self.pos += 1;
        let mut names: Vec<&String> = then_b.keys().chain(else_b.keys()).collect();
        names.sort();
        names.dedup();
        let mut merged = Bindings::new();
        for name in names {
            let before = bindings.get(name);
            let then = then_b.get(name);
            let otherwise = else_b.get(name);
            let same = |a: Option<&Rc<Expr>>, b: Option<&Rc<Expr>>| match (a, b) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            };
            if same(then, before) && same(otherwise, before) {
                continue;
            }
            let select = Expr::Select {
                name: name.clone(),
                cond: cond.clone(),
                then: then.cloned(),
                otherwise: otherwise.cloned(),
            };
            let select = self.node(select)?;
            merged.insert(name.clone(), self.node(Expr::Var(select))?);
        }
        bindings.extend(merged);
        self.depth -= 1;
        Ok(())
    }

    fn expr(&mut self, b: &Bindings) -> Result<Rc<Expr>, CalcError> {
        self.enter()?;
        let left = self.additive(b)?;
        let op = match self.peek() {
            Some(Tok::Eq) => Some(BinOp::Eq),
            Some(Tok::Ne) => Some(BinOp::Ne),
            Some(Tok::Lt) => Some(BinOp::Lt),
            Some(Tok::Le) => Some(BinOp::Le),
            Some(Tok::Gt) => Some(BinOp::Gt),
            Some(Tok::Ge) => Some(BinOp::Ge),
            _ => None,
        };
        let out = match op {
            Some(op) => {
                self.pos += 1;
                let right = self.additive(b)?;
                self.node(Expr::Bin(op, left, right))?
            }
            None => left,
        };
        self.depth -= 1;
        Ok(out)
    }

    fn additive(&mut self, b: &Bindings) -> Result<Rc<Expr>, CalcError> {
        let mut left = self.term(b)?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.term(b)?;
            left = self.node(Expr::Bin(op, left, right))?;
        }
    }

    fn term(&mut self, b: &Bindings) -> Result<Rc<Expr>, CalcError> {
        let mut left = self.unary(b)?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => BinOp::Mul,
                Some(Tok::Slash) => BinOp::Div,
                _ => return Ok(left),
            };
            self.pos += 1;
            let right = self.unary(b)?;
            left = self.node(Expr::Bin(op, left, right))?;
        }
    }

    fn unary(&mut self, b: &Bindings) -> Result<Rc<Expr>, CalcError> {
        match self.peek() {
            Some(Tok::Minus) => {
                self.enter()?;
                self.pos += 1;
                let inner = self.unary(b)?;
                self.depth -= 1;
                self.node(Expr::Neg(inner))
            }
            Some(Tok::Plus) => {
                self.enter()?;
                self.pos += 1;
                let inner = self.unary(b);
                self.depth -= 1;
                inner
            }
            _ => self.primary(b),
        }
    }

    fn primary(&mut self, b: &Bindings) -> Result<Rc<Expr>, CalcError> {
        let line = self.line();
        let err = |message: String| CalcError::Syntax { line, message };
        match self.next() {
            Some(Tok::Num(n)) => self.node(Expr::Num(n)),
            Some(Tok::Str(s)) => self.node(Expr::Str(s)),
            Some(Tok::Time(s)) => self.node(Expr::Time(s)),
            Some(Tok::LParen) => {
                let inner = self.expr(b)?;
                self.expect(&Tok::RParen, "')'")?;
                Ok(inner)
            }
            Some(Tok::LBrace) => {
                let items = self.list(b, &Tok::RBrace, "'}'")?;
                self.node(Expr::List(items))
            }
            Some(Tok::Func(name)) => {
                let Some(spec) = lookup(&name) else {
                    return Err(CalcError::Unsupported(format!("function @{name}")));
                };
                self.expect(&Tok::LParen, &format!("'(' after @{name}"))?;
                self.enter()?;
                let args = self.list(b, &Tok::RParen, "')'")?;
                self.depth -= 1;
                if !spec.arity.contains(&args.len()) {
                    return Err(self.error(format!(
                        "@{name} takes {} arguments, not {}",
                        spec.arity_text(),
                        args.len()
                    )));
                }
                self.node(Expr::Call(spec.func, name, args))
            }
            Some(Tok::Percent) => match self.next() {
                Some(Tok::Str(path)) => self.node(Expr::Catalog(path)),
                _ => {
                    self.pos -= 1;
                    Err(self.error("expected a quoted catalog path after %".to_string()))
                }
            },
            Some(Tok::Ident(name)) => match b.get(&name) {
                Some(value) => Ok(value.clone()),
                None if ["IF", "THEN", "ELSE", "ENDIF"]
                    .iter()
                    .any(|k| name.eq_ignore_ascii_case(k)) =>
                {
                    Err(err(format!("expected a value, not {name}")))
                }
                None => Err(err(format!("'{name}' is not set before it is used"))),
            },
            Some(Tok::Result) => match b.get(RESULT) {
                Some(value) => Ok(value.clone()),
                None => Err(err("## is not set before it is used".to_string())),
            },
            _ => Err(err("expected a value".to_string())),
        }
    }

    /// Comma-separated expressions up to `close` (which it consumes).
    fn list(&mut self, b: &Bindings, close: &Tok, what: &str) -> Result<Vec<Rc<Expr>>, CalcError> {
        let mut items = Vec::new();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(items);
        }
        loop {
            items.push(self.expr(b)?);
            match self.next() {
                Some(Tok::Comma) => continue,
                Some(t) if &t == close => return Ok(items),
                _ => {
                    self.pos -= 1;
                    return Err(self.error(format!("expected ',' or {what}")));
                }
            }
        }
    }
}
