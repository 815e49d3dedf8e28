//! The naming rule of the C API, as data: the nouns (what a name is about),
//! the verbs (what it does), and the section of the header each noun's
//! names are in. The header generator places every declaration by its noun;
//! the test suite checks every name against these closed lists, and each
//! verb's kind against what the function really does.
//!
//! A function is `mesh_<noun>_<verb>[_<qualifier>...][_at]`:
//! - the noun is the longest of [`NOUNS`] the name starts with;
//! - the verb is one of [`VERBS`]: a request verb asks the server (the
//!   function makes a request), a local verb never does, a life verb
//!   (open, close) starts or ends a handle and may do either;
//! - qualifiers from [`QUALIFIERS`] say by what (`_by_key`), which kind
//!   (`_int`, `_transformed`) or which part (`_server_version`);
//! - `_at` ends a name exactly when the function indexes a list the caller
//!   holds (it takes an `index`, `set`, `version` or `curve` number).
//!
//! Constants are `MESH_<FAMILY>_<NAME>` with a family from [`FAMILIES`];
//! statuses keep the names the C world knows (`MESH_OK`, `MESH_ERROR_*`).

/// A header section: its title and the text under it.
pub struct Section {
    pub title: &'static str,
    pub intro: &'static str,
}

/// The sections in the order a user meets them.
pub const SECTIONS: &[Section] = &[
    Section {
        title: "Library",
        intro: "The version, the status every call returns, the thread's last error message, and shutdown.",
    },
    Section {
        title: "Handle types",
        intro: "Every object the API hands out is an opaque, checked handle: a closed, freed or made-up one gives MESH_ERROR_INVALID_HANDLE, never a crash. Handles are never used up, however long the host runs.",
    },
    Section {
        title: "Options",
        intro: "How to connect: timeouts, keep-alive, TLS and sign-in. Made with mesh_options_new, read by mesh_connection_open.",
    },
    Section {
        title: "Connection",
        intro: "One connection to a Mesh server, shared by any number of sessions and threads.",
    },
    Section {
        title: "Session",
        intro: "A temporary workspace on the server: changes in it are seen by others only after mesh_session_commit. The library keeps open sessions alive.",
    },
    Section {
        title: "Time series",
        intro: "Reading, writing and deleting points of a time series by key, path or id, as they are or transformed to another resolution.",
    },
    Section {
        title: "Catalog",
        intro: "Time series resources (what a series is: resolution, curve type, unit, time zone) and the server's units of measurement.",
    },
    Section {
        title: "Model",
        intro: "Objects and attributes: searching, reading and changing them, their definitions, rating curves and XY sets.",
    },
    Section {
        title: "Calculations",
        intro: "Mesh calculation expressions run on the server, and local helpers that build their text.",
    },
    Section {
        title: "Points and lists",
        intro: "What reads and searches hand out: points (columns and Arrow export) and lists of objects, attributes and ids, indexed with *_at.",
    },
];

/// The nouns and the section (index into [`SECTIONS`]) their names are in.
/// Singular, always: a collection is `<noun>_list`.
pub const NOUNS: &[(&str, usize)] = &[
    ("library", 0),
    ("status", 0),
    ("last_error", 0),
    ("options", 2),
    ("token_provider", 2),
    ("connection", 3),
    ("identity", 3),
    ("session", 4),
    ("expired_callback", 4),
    ("timeseries", 5),
    ("timeseries_resource", 6),
    ("unit_list", 6),
    ("model", 7),
    ("model_list", 7),
    ("object", 7),
    ("attribute", 7),
    ("attribute_definition", 7),
    ("rating_curve", 7),
    ("xy_set_list", 7),
    ("calc", 8),
    ("calc_expression", 8),
    ("calc_result", 8),
    ("point_list", 9),
    ("object_list", 9),
    ("attribute_list", 9),
    ("id_list", 9),
];

/// What a verb does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerbKind {
    /// Asks the server: the function makes a request.
    Request,
    /// Works on what the caller holds: never a request.
    Local,
    /// Starts or ends a handle's life (open, close): either.
    Life,
}

/// The closed list of verbs, and properties read from a handle (which are
/// local verbs: `mesh_object_name` reads the name).
pub const VERBS: &[(&str, VerbKind)] = &[
    // Asking the server. `read` is the one verb for "fetch from the server".
    ("read", VerbKind::Request),
    ("write", VerbKind::Request),
    ("delete", VerbKind::Request),
    ("search", VerbKind::Request),
    ("create", VerbKind::Request),
    ("update", VerbKind::Request),
    ("rename", VerbKind::Request),
    ("move", VerbKind::Request),
    ("run", VerbKind::Request),
    ("attach", VerbKind::Request),
    ("commit", VerbKind::Request),
    ("rollback", VerbKind::Request),
    ("extend", VerbKind::Request),
    ("revoke", VerbKind::Request),
    // Life.
    ("open", VerbKind::Life),
    ("close", VerbKind::Life),
    ("shutdown", VerbKind::Life),
    // Local actions.
    ("new", VerbKind::Local),
    ("free", VerbKind::Local),
    ("detach", VerbKind::Local),
    ("set", VerbKind::Local),
    ("add", VerbKind::Local),
    ("copy", VerbKind::Local),
    ("export", VerbKind::Local),
    ("find", VerbKind::Local),
    ("at", VerbKind::Local),
    ("check", VerbKind::Local),
    ("quote", VerbKind::Local),
    // Building calculation expressions (mesh_calc_expression_*).
    ("transform", VerbKind::Local),
    ("sum", VerbKind::Local),
    ("all", VerbKind::Local),
    ("forecast", VerbKind::Local),
    ("historical", VerbKind::Local),
    ("as", VerbKind::Local),
    // Properties.
    ("version", VerbKind::Local),
    ("name", VerbKind::Local),
    ("server", VerbKind::Local),
    ("message", VerbKind::Local),
    ("id", VerbKind::Local),
    ("path", VerbKind::Local),
    ("key", VerbKind::Local),
    ("count", VerbKind::Local),
    ("is", VerbKind::Local),
    ("has", VerbKind::Local),
    ("display", VerbKind::Local),
    ("source", VerbKind::Local),
    ("identifier", VerbKind::Local),
    ("owner", VerbKind::Local),
    ("type", VerbKind::Local),
    ("value", VerbKind::Local),
    ("timeseries", VerbKind::Local),
    ("attribute", VerbKind::Local),
    ("description", VerbKind::Local),
    ("namespace", VerbKind::Local),
    ("unit", VerbKind::Local),
    ("template", VerbKind::Local),
    ("default", VerbKind::Local),
    ("minimum", VerbKind::Local),
    ("maximum", VerbKind::Local),
    ("target", VerbKind::Local),
    ("tag", VerbKind::Local),
    ("valid", VerbKind::Local),
    ("curve", VerbKind::Local),
    ("segment", VerbKind::Local),
    ("segments", VerbKind::Local),
    ("x", VerbKind::Local),
    ("resolution", VerbKind::Local),
    ("time", VerbKind::Local),
    ("virtual", VerbKind::Local),
    ("kind", VerbKind::Local),
    ("series", VerbKind::Local),
    ("number", VerbKind::Local),
    ("string", VerbKind::Local),
    ("timestamps", VerbKind::Local),
    ("flags", VerbKind::Local),
    ("values", VerbKind::Local),
];

/// The closed list of words that may follow the verb.
pub const QUALIFIERS: &[&str] = &[
    "by",
    "key",
    "path",
    "id",
    "name",
    "definition",
    "transformed",
    "physical",
    "linked",
    "from",
    "int",
    "ints",
    "double",
    "doubles",
    "bool",
    "bools",
    "string",
    "strings",
    "utc",
    "time",
    "times",
    "timeseries",
    "expression",
    "links",
    "link",
    "versions",
    "version",
    "entries",
    "set",
    "curve",
    "count",
    "point",
    "points",
    "reference",
    "value",
    "range",
    "list",
    "forecasts",
    "of",
    "literal",
    "sum",
    "transform",
    "forecast",
    "historical",
    "as",
    "all",
    "access",
    "token",
    "callback",
    "expired",
    "timeout",
    "ms",
    "connect",
    "call",
    "keepalive",
    "interval",
    "dead",
    "connection",
    "tls",
    "root",
    "certificate",
    "pem",
    "file",
    "server",
    "provider",
    "max",
    "receive",
    "message",
    "bytes",
    "arrow",
    "type",
    "local",
    "is",
    "collection",
    "target",
    "cardinality",
    "zone",
    "expression",
    "display",
    "resource",
    "version",
    "description",
    "identity",
    "temporary",
    "valid",
];

/// Constant families: `MESH_<FAMILY>_...` (or the whole name), with the
/// section each is declared in.
pub const FAMILIES: &[(&str, usize)] = &[
    ("MESH_OK", 0),
    ("MESH_ERROR_", 0),
    ("MESH_CAPI_VERSION_", 0),
    ("MESH_LIBRARY_", 0),
    ("MESH_TIME_NONE", 0),
    ("MESH_ACCESS_TOKEN_", 2),
    ("MESH_TRANSFORM_METHOD_", 5),
    ("MESH_TRANSFORM_ZONE_", 5),
    ("MESH_RESOLUTION_", 6),
    ("MESH_CURVE_TYPE_", 6),
    ("MESH_TIMESERIES_RESOURCE_", 6),
    ("MESH_ATTRIBUTE_VALUE_TYPE_", 7),
    ("MESH_MODEL_VIEW_", 7),
    ("MESH_CALC_RESULT_KIND_", 8),
    ("MESH_POINT_FLAG_", 9),
];

/// The noun a `mesh_*` name is about: the longest noun it starts with
/// (followed by `_` or the end).
pub fn noun_of(name: &str) -> Option<(&'static str, usize)> {
    let rest = name.strip_prefix("mesh_")?;
    NOUNS
        .iter()
        .copied()
        .filter(|(noun, _)| {
            rest == *noun || rest.strip_prefix(noun).is_some_and(|r| r.starts_with('_'))
        })
        .max_by_key(|(noun, _)| noun.len())
}

/// The family of a `MESH_*` constant.
pub fn family_of(name: &str) -> Option<(&'static str, usize)> {
    FAMILIES
        .iter()
        .copied()
        .filter(|(family, _)| {
            name == *family || (family.ends_with('_') && name.starts_with(family))
        })
        .max_by_key(|(family, _)| family.len())
}

/// A function name taken apart by the rule.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed<'a> {
    pub noun: &'static str,
    pub verb: &'a str,
    pub kind: VerbKind,
    pub qualifiers: Vec<&'a str>,
    pub indexed: bool,
}

/// Takes a function name apart, or says why it breaks the rule.
pub fn parse(name: &str) -> Result<Parsed<'_>, String> {
    let (noun, _) = noun_of(name).ok_or_else(|| format!("{name}: no known noun"))?;
    let rest = &name["mesh_".len() + noun.len()..];
    let mut words: Vec<&str> = rest.split('_').filter(|w| !w.is_empty()).collect();
    let indexed = words.last() == Some(&"at");
    if indexed {
        words.pop();
    }
    // `mesh_object_list_at`: indexing is the verb.
    if words.is_empty() && indexed {
        words.push("at");
    }
    let (&verb, qualifiers) = words
        .split_first()
        .ok_or_else(|| format!("{name}: a noun without a verb"))?;
    let kind = VERBS
        .iter()
        .find(|(v, _)| *v == verb)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| format!("{name}: `{verb}` is not in the verb list"))?;
    if let Some(unknown) = qualifiers.iter().find(|q| !QUALIFIERS.contains(q)) {
        return Err(format!("{name}: `{unknown}` is not in the qualifier list"));
    }
    Ok(Parsed {
        noun,
        verb,
        kind,
        qualifiers: qualifiers.to_vec(),
        indexed,
    })
}
