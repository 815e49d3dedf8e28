//! A throwaway Kerberos realm, `MESH.TEST`, for tests: Debian's MIT tools
//! (`kdb5_util`, `kadmin.local`, `krb5kdc`, `kinit`) driven in a folder of
//! their own, with a KDC on 127.0.0.1 at a free port. Every tool runs with
//! `KRB5_CONFIG` and `KRB5_KDC_PROFILE` pointing into that folder, so the
//! machine's `/etc/krb5.conf` and this process's environment are never
//! touched; a test that needs GSSAPI in its own process passes
//! [`TestRealm::env`](crate::test_realm::TestRealm::env) to a child
//! process.
//!
//! The KDC is short-lived: it runs under a shell that stops it as soon as
//! its standard input (a pipe from this process) closes, which happens when
//! the realm is dropped (a panicking test too) and when this process dies,
//! however it dies.
//!
//! ```no_run
//! use mesh_emulator::test_realm::{RealmOptions, TestRealm};
//! if let Some(why) = TestRealm::missing_tools() {
//!     eprintln!("SKIPPED: {why}");
//!     return Ok(());
//! }
//! let realm = TestRealm::start(RealmOptions::default())?;
//! realm.add_principal("alice", Some("alice-password"))?;
//! realm.add_principal("HTTP/localhost", None)?;
//! let keytab = realm.dir().join("mesh.keytab");
//! realm.export_keytab(&["HTTP/localhost"], &keytab)?;
//! realm.kinit("alice", "alice-password", &realm.dir().join("alice.ccache"), None)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The realm's name.
pub const REALM: &str = "MESH.TEST";

/// How the realm is set up.
#[derive(Clone, Debug, Default)]
pub struct RealmOptions {
    /// The allowed clock skew (`clockskew` in `[libdefaults]`), in seconds;
    /// `None`: MIT's default, five minutes. A test of expired tickets wants
    /// it short, as the skew is added to every ticket's end.
    pub clock_skew_secs: Option<u32>,
}

/// The MIT tools a realm needs: name, and where Debian puts it.
const TOOLS: [(&str, &str); 5] = [
    ("kdb5_util", "/usr/sbin/kdb5_util"),
    ("kadmin.local", "/usr/sbin/kadmin.local"),
    ("krb5kdc", "/usr/sbin/krb5kdc"),
    ("kinit", "/usr/bin/kinit"),
    ("kdestroy", "/usr/bin/kdestroy"),
];

/// How long the KDC may take to answer once started.
const KDC_START_TIMEOUT: Duration = Duration::from_secs(10);

/// The database files `kdb5_util create` makes (a realm started again in
/// the same folder replaces them).
const DATABASE_FILES: [&str; 5] = [
    "principal",
    "principal.ok",
    "principal.kadm5",
    "principal.kadm5.lock",
    "stash",
];

/// A running realm. Dropping it stops the KDC and, for a realm from
/// [`start`](Self::start), removes its folder.
pub struct TestRealm {
    dir: PathBuf,
    /// Whether the folder is ours to remove.
    owned: bool,
    port: u16,
    kdc: Option<Kdc>,
}

/// The shell the KDC runs under, and our end of its standard input.
struct Kdc {
    shell: Child,
    stdin: Option<ChildStdin>,
}

impl TestRealm {
    /// Which of the MIT tools are missing, with how to install them; `None`
    /// when all are there.
    pub fn missing_tools() -> Option<String> {
        if cfg!(not(unix)) {
            return Some("a test realm needs MIT Kerberos's tools, on Unix".into());
        }
        let missing: Vec<&str> = TOOLS
            .iter()
            .filter(|(name, _)| tool(name).is_none())
            .map(|(name, _)| *name)
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "{} not found (apt-get install krb5-kdc krb5-admin-server krb5-user)",
                missing.join(", ")
            )
        })
    }

    /// Creates the realm in a new temporary folder and starts its KDC.
    pub fn start(options: RealmOptions) -> io::Result<TestRealm> {
        let dir = std::env::temp_dir().join(format!(
            "mesh-test-realm-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        fs::create_dir(&dir)?;
        Self::set_up(dir, true, &options)
    }

    /// Creates the realm in `dir` (made if missing; a realm a previous run
    /// left there is replaced) and starts its KDC. The folder is kept when
    /// the realm is dropped.
    pub fn start_in(dir: &Path, options: RealmOptions) -> io::Result<TestRealm> {
        fs::create_dir_all(dir)?;
        let dir = std::path::absolute(dir)?;
        for file in DATABASE_FILES {
            match fs::remove_file(dir.join(file)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Self::set_up(dir, false, &options)
    }

    fn set_up(dir: PathBuf, owned: bool, options: &RealmOptions) -> io::Result<TestRealm> {
        // Made first, so that a failure below still cleans up on drop.
        let mut realm = TestRealm {
            dir,
            owned,
            port: 0,
            kdc: None,
        };
        if let Some(why) = Self::missing_tools() {
            return Err(io::Error::new(io::ErrorKind::NotFound, why));
        }
        realm.port = free_port()?;
        realm.write_config(options)?;
        let master_password = uuid::Uuid::new_v4().simple().to_string();
        let mut create = realm.command("kdb5_util")?;
        create.args(["create", "-s", "-r", REALM, "-P", &master_password]);
        realm.run(create, "kdb5_util create", None)?;
        realm.start_kdc()?;
        Ok(realm)
    }

    /// The realm's folder: its configuration, database, logs, and whatever
    /// a test puts there.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The KDC's port on 127.0.0.1 (UDP and TCP).
    pub fn kdc_port(&self) -> u16 {
        self.port
    }

    /// The `krb5.conf` clients of the realm use (`KRB5_CONFIG`).
    pub fn krb5_config(&self) -> PathBuf {
        self.dir.join("krb5.conf")
    }

    fn kdc_profile(&self) -> PathBuf {
        self.dir.join("kdc.conf")
    }

    fn rcache_dir(&self) -> PathBuf {
        self.dir.join("rcache")
    }

    /// The environment a process using the realm needs: `KRB5_CONFIG`,
    /// `KRB5_KDC_PROFILE`, and `KRB5RCACHEDIR` (a replay cache inside the
    /// folder). Set it on a child `Command`, never on this process.
    pub fn env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("KRB5_CONFIG", self.krb5_config().into_os_string()),
            ("KRB5_KDC_PROFILE", self.kdc_profile().into_os_string()),
            ("KRB5RCACHEDIR", self.rcache_dir().into_os_string()),
        ]
    }

    /// Adds principal `name` (e.g. `alice`, `HTTP/localhost`) with
    /// `password`, or with a random key when `None`.
    pub fn add_principal(&self, name: &str, password: Option<&str>) -> io::Result<()> {
        let name = checked("principal name", name, true)?;
        let key = match password {
            Some(password) => format!("-pw \"{}\"", checked("password", password, false)?),
            None => "-randkey".to_string(),
        };
        self.kadmin(&format!("addprinc -clearpolicy {key} {name}"))
    }

    /// Writes the keys of `principals` to the keytab file `keytab` (added
    /// to it if it exists). The keys are not changed, so the principals'
    /// passwords keep working.
    pub fn export_keytab(&self, principals: &[&str], keytab: &Path) -> io::Result<()> {
        if principals.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no principals to export",
            ));
        }
        let names = principals
            .iter()
            .map(|p| checked("principal name", p, true))
            .collect::<io::Result<Vec<_>>>()?;
        let keytab = std::path::absolute(keytab)?;
        let path = keytab.to_str().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "the keytab path is not UTF-8")
        })?;
        let path = checked("keytab path", path, false)?;
        self.kadmin(&format!(
            "ktadd -k \"WRFILE:{path}\" -norandkey {}",
            names.join(" ")
        ))
    }

    /// Gets `user`'s initial ticket with `password` into the credential
    /// cache file `ccache`, valid for `lifetime` (kinit's `-l`, e.g. `"3s"`,
    /// `"10m"`; the realm's ten hours at most) or the default.
    pub fn kinit(
        &self,
        user: &str,
        password: &str,
        ccache: &Path,
        lifetime: Option<&str>,
    ) -> io::Result<()> {
        let mut kinit = self.command("kinit")?;
        let mut cache = OsString::from("FILE:");
        cache.push(std::path::absolute(ccache)?);
        kinit.arg("-c").arg(&cache);
        if let Some(lifetime) = lifetime {
            kinit.args(["-l", lifetime]);
        }
        kinit.arg(user).env("KRB5CCNAME", &cache);
        self.run(
            kinit,
            &format!("kinit {user}"),
            Some(&format!("{password}\n")),
        )
        .map(drop)
    }

    /// Destroys the credential cache file `ccache`.
    pub fn kdestroy(&self, ccache: &Path) -> io::Result<()> {
        let mut kdestroy = self.command("kdestroy")?;
        let mut cache = OsString::from("FILE:");
        cache.push(std::path::absolute(ccache)?);
        kdestroy.arg("-c").arg(cache);
        self.run(kdestroy, "kdestroy", None).map(drop)
    }

    /// Stops the KDC (the realm's files stay): clients then cannot get
    /// tickets. Does nothing when it is stopped.
    pub fn stop_kdc(&mut self) {
        let Some(mut kdc) = self.kdc.take() else {
            return;
        };
        // The shell stops the KDC when its input closes, then exits.
        drop(kdc.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match kdc.shell.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Ok(None) => break,
            }
        }
        let _ = kdc.shell.kill();
        let _ = kdc.shell.wait();
    }

    /// Starts the KDC again, on the same port, and waits until it answers.
    /// Does nothing when it runs.
    pub fn start_kdc(&mut self) -> io::Result<()> {
        if self.kdc.is_some() {
            return Ok(());
        }
        let krb5kdc = tool("krb5kdc").ok_or_else(|| io::Error::other("krb5kdc not found"))?;
        let stderr = fs::File::options()
            .create(true)
            .append(true)
            .open(self.dir.join("kdc.stderr"))?;
        // fd 3 keeps the pipe for the watcher: an asynchronous command's
        // standard input is /dev/null in a non-interactive shell. The KDC
        // gets neither.
        let script = "exec 3<&0\n\
                      \"$0\" -n -r \"$1\" </dev/null 3<&- &\n\
                      kdc=$!\n\
                      { cat <&3 >/dev/null; kill \"$kdc\" 2>/dev/null; } &\n\
                      exec 3<&-\n\
                      wait \"$kdc\"\n";
        let mut shell = self.command_at(Path::new("/bin/sh"));
        shell
            .arg("-c")
            .arg(script)
            .arg(&krb5kdc)
            .arg(REALM)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(stderr);
        let mut child = shell.spawn()?;
        let stdin = child.stdin.take();
        self.kdc = Some(Kdc {
            shell: child,
            stdin,
        });
        let deadline = Instant::now() + KDC_START_TIMEOUT;
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return Ok(());
            }
            let exited = match self.kdc.as_mut().map(|k| k.shell.try_wait()) {
                Some(Ok(Some(status))) => Some(status.to_string()),
                _ => None,
            };
            if exited.is_some() || Instant::now() > deadline {
                self.stop_kdc();
                return Err(io::Error::other(format!(
                    "krb5kdc did not start on 127.0.0.1:{} ({}): {}",
                    self.port,
                    exited.unwrap_or_else(|| "no answer".into()),
                    self.kdc_messages()
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The end of what the KDC wrote, for an error.
    fn kdc_messages(&self) -> String {
        let mut text = String::new();
        for file in ["kdc.stderr", "kdc.log"] {
            if let Ok(content) = fs::read_to_string(self.dir.join(file)) {
                text.push_str(&content);
            }
        }
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }

    fn write_config(&self, options: &RealmOptions) -> io::Result<()> {
        let dir = self.dir.display();
        let port = self.port;
        let clockskew = options
            .clock_skew_secs
            .map(|s| format!("    clockskew = {s}\n"))
            .unwrap_or_default();
        // The default cache is kept inside the folder too, so that a tool
        // run without KRB5CCNAME never touches the user's.
        fs::write(
            self.krb5_config(),
            format!(
                "[libdefaults]\n\
                 \x20   default_realm = {REALM}\n\
                 \x20   dns_lookup_kdc = false\n\
                 \x20   dns_lookup_realm = false\n\
                 \x20   rdns = false\n\
                 \x20   dns_canonicalize_hostname = false\n\
                 \x20   udp_preference_limit = 1\n\
                 \x20   default_ccache_name = FILE:{dir}/default.ccache\n\
                 {clockskew}\
                 \n\
                 [realms]\n\
                 \x20   {REALM} = {{\n\
                 \x20       kdc = 127.0.0.1:{port}\n\
                 \x20   }}\n\
                 \n\
                 [domain_realm]\n\
                 \x20   localhost = {REALM}\n\
                 \x20   .mesh.test = {REALM}\n"
            ),
        )?;
        fs::write(
            self.kdc_profile(),
            format!(
                "[kdcdefaults]\n\
                 \x20   kdc_ports = 127.0.0.1:{port}\n\
                 \x20   kdc_tcp_ports = 127.0.0.1:{port}\n\
                 \n\
                 [realms]\n\
                 \x20   {REALM} = {{\n\
                 \x20       database_name = {dir}/principal\n\
                 \x20       key_stash_file = {dir}/stash\n\
                 \x20       acl_file = {dir}/kadm5.acl\n\
                 \x20       max_life = 10h\n\
                 \x20       max_renewable_life = 7d\n\
                 \x20   }}\n\
                 \n\
                 [logging]\n\
                 \x20   kdc = FILE:{dir}/kdc.log\n\
                 \x20   admin_server = FILE:{dir}/kadmin.log\n\
                 \x20   default = FILE:{dir}/krb5.log\n"
            ),
        )?;
        fs::write(self.dir.join("kadm5.acl"), "")?;
        fs::create_dir_all(self.rcache_dir())
    }

    /// `kadmin.local -q query`. It exits 0 even when the query fails, so
    /// anything it writes to stderr counts as a failure.
    fn kadmin(&self, query: &str) -> io::Result<()> {
        let mut kadmin = self.command("kadmin.local")?;
        kadmin.args(["-r", REALM, "-q", query]);
        let verb = query.split(' ').next().unwrap_or(query);
        let output = self.run(kadmin, &format!("kadmin.local {verb}"), None)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stderr.trim().is_empty() {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "kadmin.local {verb} failed: {}",
                stderr.trim()
            )))
        }
    }

    /// A command for MIT tool `name`, in the realm's environment.
    fn command(&self, name: &str) -> io::Result<Command> {
        let path = tool(name)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{name} not found")))?;
        Ok(self.command_at(&path))
    }

    fn command_at(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        command
            .envs(self.env())
            // Nothing of the caller's Kerberos leaks in.
            .env_remove("KRB5CCNAME")
            .env_remove("KRB5_KTNAME")
            .env_remove("KRB5_CLIENT_KTNAME")
            .env_remove("KRB5_TRACE")
            .stdin(Stdio::null());
        command
    }

    /// Runs `command`, feeding it `input`; an error carries its stderr.
    fn run(&self, mut command: Command, what: &str, input: Option<&str>) -> io::Result<Output> {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        if input.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("{what}: {e}")))?;
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            // A tool that exits early closes the pipe; its status says why.
            let _ = stdin.write_all(input.as_bytes());
        }
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(io::Error::other(format!(
                "{what} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(output)
    }
}

impl Drop for TestRealm {
    fn drop(&mut self) {
        self.stop_kdc();
        if self.owned {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Where tool `name` is: Debian's place, else on `PATH`.
fn tool(name: &str) -> Option<PathBuf> {
    let debian = TOOLS.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)?;
    if Path::new(debian).is_file() {
        return Some(PathBuf::from(debian));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// A port free for both UDP and TCP on 127.0.0.1 (the KDC takes both).
fn free_port() -> io::Result<u16> {
    for _ in 0..50 {
        let tcp = TcpListener::bind(("127.0.0.1", 0))?;
        let port = tcp.local_addr()?.port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        "no port free for both UDP and TCP on 127.0.0.1",
    ))
}

/// `text` when it can go into a kadmin query: no quotes or control
/// characters, and for a name no spaces either.
fn checked<'a>(what: &str, text: &'a str, is_name: bool) -> io::Result<&'a str> {
    let bad = text.is_empty()
        || text
            .chars()
            .any(|c| c == '"' || c.is_control() || (is_name && c.is_whitespace()));
    if bad {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what} {text:?} cannot be given to kadmin.local"),
        ));
    }
    Ok(text)
}
