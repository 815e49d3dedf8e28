//! What can go wrong in a calculation. Every message names the construct,
//! function or value at fault, so that a client sees why, never a wrong
//! number.

/// A calculation failure.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CalcError {
    /// The expression text does not parse.
    #[error("calculation expression, line {line}: {message}")]
    Syntax { line: usize, message: String },
    /// A function or construct outside what the engine implements.
    #[error("unsupported in calculation expressions: {0}")]
    Unsupported(String),
    /// A value of the wrong kind for where it is used.
    #[error("calculation type error: {0}")]
    Type(String),
    /// A bad argument value (unknown resolution, method, time point, ...).
    #[error("invalid calculation argument: {0}")]
    InvalidArgument(String),
    /// A time beyond what the calendar handles.
    #[error("time out of range: {0}")]
    TimeOutOfRange(String),
    /// A result that would be too large to compute.
    #[error("calculation too large: {0}")]
    TooLarge(String),
    /// Calculations nested too deep, most likely a cycle of calculated series.
    #[error("calculations nested more than {0} deep (a calculated series that refers to itself?)")]
    TooDeep(usize),
    /// A failure the host reported (search or read); its text is kept.
    #[error("{0}")]
    Host(String),
}
