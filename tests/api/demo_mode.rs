//! When the real binary runs in demo mode, and what demo mode may do: on only with
//! nothing production-like configured (or when asked for, never beside token issuers),
//! seeding once on a fresh database, and the files it creates private to their owner.
//! Every test runs the embedded SQLite database in a temporary directory, whichever
//! database the rest of the suite uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use sanctuary_server::demo::SigningKey;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::tokens::{ISSUER, TestKeys};

/// The `sanctuary` binary, which cargo builds before this package's tests.
fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sanctuary"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A service configuration trusting the test issuer (and nothing else).
fn issuer_config(dir: &Path, extra: &str) -> PathBuf {
    let mut toml = format!("{extra}\n[[auth.issuers]]\nissuer = \"{ISSUER}\"\n");
    for (kid, algorithm, pem) in TestKeys::get().public_keys() {
        toml.push_str(&format!(
            "[[auth.issuers.keys]]\nkid = \"{kid}\"\nalgorithm = \"{algorithm}\"\npublic_key_pem = \"\"\"\n{pem}\"\"\"\n"
        ));
    }
    let path = dir.join("service.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

/// The binary run from `dir` with only the settings given here: the test runner's own
/// `SANCTUARY_*` and `DATABASE_URL` are not configuration for it.
fn command(dir: &Path, port: u16) -> Command {
    let mut command = Command::new(binary());
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SANCTUARY_")) {
        command.env_remove(name);
    }
    command
        .env_remove("DATABASE_URL")
        .current_dir(dir)
        .env("SANCTUARY_BIND", format!("127.0.0.1:{port}"))
        .env("SANCTUARY_RATE_LIMIT__PER_MINUTE", "0");
    command
}

struct Server {
    child: Child,
    base: String,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Server {
    /// Starts the binary in `dir` (`configure` adds arguments and settings) and waits
    /// until it is ready.
    async fn start(dir: &Path, name: &str, configure: impl FnOnce(&mut Command)) -> Server {
        let port = free_port();
        let stdout = dir.join(format!("{name}.out"));
        let stderr = dir.join(format!("{name}.err"));
        let mut command = command(dir, port);
        configure(&mut command);
        let child = command
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stdout,
            stderr,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(r) = reqwest::get(format!("{}/health/ready", server.base)).await
                && r.status().is_success()
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited ({status}):\n{}", server.stderr());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.stop();
        panic!("the server did not start:\n{}", server.stderr());
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(&self.stdout).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// The demo tokens of the start-up banner, by role.
    fn tokens(&self) -> BTreeMap<String, String> {
        let out = self.stdout();
        let lines: Vec<&str> = out.lines().collect();
        let mut tokens = BTreeMap::new();
        for pair in lines.windows(2) {
            if let Some(heading) = pair[0].strip_prefix("  ")
                && let Some((role, _)) = heading.split_once(" (")
                && pair[1].trim().starts_with("eyJ")
            {
                tokens.insert(role.to_owned(), pair[1].trim().to_owned());
            }
        }
        tokens
    }

    /// SIGTERM, then waits for it to exit.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill().ok();
        self.child.wait().ok();
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        etag: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Option<String>, Value) {
        let mut request = Client::new()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(etag) = etag {
            request = request.header("If-Match", etag);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = response.json().await.unwrap_or(Value::Null);
        (status, etag, body)
    }

    async fn get(&self, path: &str, token: &str) -> (StatusCode, Option<String>, Value) {
        self.send(Method::GET, path, token, None, None).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

/// The organisations, by name (the admin API).
async fn organisations(server: &Server, admin: &str) -> BTreeMap<String, Value> {
    let (status, _, list) = server.get("/api/v1/admin/organisations", admin).await;
    assert_eq!(status, StatusCode::OK, "{list:#}");
    let items = list
        .get("items")
        .unwrap_or(&list)
        .as_array()
        .unwrap()
        .clone();
    items
        .into_iter()
        .map(|o| (o["name"].as_str().unwrap().to_owned(), o))
        .collect()
}

const SCHEME_ROLES: [&str; 7] = [
    "referrer",
    "coordinator",
    "assessor",
    "contractor",
    "fire_service",
    "funder",
    "auditor",
];

#[tokio::test]
async fn with_no_configuration_at_all_demo_mode_starts_as_today() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), "first", |_| {}).await;
    let out = server.stdout();
    assert!(out.contains("Demo mode"), "{out}");
    let tokens = server.tokens();
    for role in SCHEME_ROLES.iter().chain(&["admin"]) {
        assert!(tokens.contains_key(*role), "no {role} token in:\n{out}");
    }
    let (status, _, scheme) = server
        .get("/api/v1/schemes/darlington", &tokens["referrer"])
        .await;
    assert_eq!(status, StatusCode::OK, "{scheme:#}");
    assert!(dir.path().join("data/demo-signing-key.pem").exists());
}

#[cfg(unix)]
#[tokio::test]
async fn the_files_the_service_creates_are_its_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), "first", |_| {}).await;
    // A write, so the write-ahead log has something in it.
    let tokens = server.tokens();
    let (status, _, _) = server
        .send(
            Method::POST,
            "/api/v1/referrals",
            &tokens["referrer"],
            None,
            Some(crate::support::fixtures::minimal()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let data = dir.path().join("data");
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(&data), 0o700, "the data directory");
    for file in [
        "sanctuary.db",
        "sanctuary.db-wal",
        "sanctuary.db-shm",
        "demo-signing-key.pem",
        "encryption-keys.json",
    ] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    drop(server);

    // A database an earlier version left readable by others is made private at start.
    let db = data.join("sanctuary.db");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let _server = Server::start(dir.path(), "second", |_| {}).await;
    assert_eq!(mode(&db), 0o600, "an existing database");
}

#[tokio::test]
async fn a_demo_restart_keeps_what_the_administrator_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), "first", |_| {}).await;
    let tokens = server.tokens();
    let admin = &tokens["admin"];
    let orgs = organisations(&server, admin).await;

    // Deactivate the contractor; remove the police from the scheme; change a setting.
    let contractor = orgs["SecureHome Installations Ltd"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/admin/organisations/{contractor}");
    let (_, etag, _) = server.get(&path, admin).await;
    let (status, _, org) = server
        .send(
            Method::PATCH,
            &path,
            admin,
            etag.as_deref(),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{org:#}");
    let police = orgs["Durham Constabulary Crime Prevention Unit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _, body) = server
        .send(
            Method::DELETE,
            &format!("/api/v1/admin/schemes/darlington/members/{police}"),
            admin,
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body:#}");
    let (_, etag, scheme) = server.get("/api/v1/schemes/darlington", admin).await;
    let mut settings = scheme["settings"].clone();
    settings["household_budget_limit_pence"] = json!(250000);
    let (status, _, body) = server
        .send(
            Method::PUT,
            "/api/v1/admin/schemes/darlington/settings",
            admin,
            etag.as_deref(),
            Some(settings),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    server.stop();

    let server = Server::start(dir.path(), "second", |_| {}).await;
    let tokens = server.tokens();
    let out = server.stdout();
    assert!(out.contains("Demo mode"), "still demo mode:\n{out}");
    let admin = &tokens["admin"];
    let orgs = organisations(&server, admin).await;
    assert_eq!(
        orgs["SecureHome Installations Ltd"]["active"], false,
        "the restart re-activated the organisation"
    );
    let (status, _, members) = server
        .get("/api/v1/schemes/darlington/members", &tokens["coordinator"])
        .await;
    assert_eq!(status, StatusCode::OK, "{members:#}");
    let names: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organisation"]["name"].as_str().unwrap())
        .collect();
    assert!(
        !names.contains(&"Durham Constabulary Crime Prevention Unit"),
        "the restart restored the membership: {names:?}"
    );
    assert!(names.contains(&"Harbour Support Services"), "{names:?}");
    let (_, _, scheme) = server.get("/api/v1/schemes/darlington", admin).await;
    assert_eq!(scheme["settings"]["household_budget_limit_pence"], 250000);
    // Tokens only for who can still use one (the demo has a second assessor and
    // contractor, still members).
    assert!(
        !out.contains("contractor (SecureHome Installations Ltd)"),
        "{out}"
    );
    assert!(
        !out.contains("assessor (Durham Constabulary Crime Prevention Unit)"),
        "{out}"
    );
    assert!(
        out.contains("contractor (Northgate Locksmiths Ltd)"),
        "{out}"
    );
    let (status, _, _) = server
        .get("/api/v1/schemes/darlington", &tokens["referrer"])
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_config_file_with_token_issuers_on_the_embedded_database_is_no_demo() {
    let dir = tempfile::tempdir().unwrap();
    // A demo ran here once: its signing key and tokens exist.
    let mut demo = Server::start(dir.path(), "demo", |_| {}).await;
    let old = demo.tokens();
    let orgs = organisations(&demo, &old["admin"]).await;
    let harbour: Uuid = orgs["Harbour Support Services"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    demo.stop();

    let config = issuer_config(dir.path(), "");
    let server = Server::start(dir.path(), "production", |c| {
        c.arg("--config").arg(&config);
    })
    .await;
    let out = format!("{}{}", server.stdout(), server.stderr());
    assert!(!out.contains("Demo mode"), "{out}");
    assert!(!out.contains("eyJ"), "a token was printed:\n{out}");
    // Neither the old demo tokens nor a fresh one from the demo key are trusted.
    let key = SigningKey::load_or_create(&dir.path().join("data")).unwrap();
    let fresh = key
        .mint(
            "sanctuary-demo",
            "sanctuary-api",
            harbour,
            sanctuary_domain::organisation::Role::Referrer,
            time::Duration::hours(1),
        )
        .unwrap();
    for token in [&old["referrer"], &old["admin"], &fresh] {
        let (status, _, body) = server.get("/api/v1/schemes/darlington", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:#}");
    }
    // The configured issuer's are.
    let real = TestKeys::get().token(harbour, &["referrer"]);
    let (status, _, body) = server.get("/api/v1/schemes/darlington", &real).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
}

/// Runs the binary expecting it to refuse to start; returns what it said.
async fn refused(dir: &Path, configure: impl FnOnce(&mut Command)) -> String {
    let mut command = command(dir, free_port());
    configure(&mut command);
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            assert!(!status.success(), "{err}");
            return err;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().ok();
    child.wait().ok();
    panic!("it started instead of refusing");
}

#[tokio::test]
async fn demo_mode_asked_for_beside_token_issuers_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let config = issuer_config(dir.path(), "");
    let in_file = {
        let other = tempfile::tempdir().unwrap();
        let path = issuer_config(other.path(), "demo = true");
        let kept = dir.path().join("demo-in-file.toml");
        std::fs::copy(path, &kept).unwrap();
        kept
    };
    let env = refused(dir.path(), |c| {
        c.arg("--config").arg(&config).env("SANCTUARY_DEMO", "true");
    })
    .await;
    let flag = refused(dir.path(), |c| {
        c.arg("--config").arg(&config).arg("--demo");
    })
    .await;
    let file = refused(dir.path(), |c| {
        c.arg("--config").arg(&in_file);
    })
    .await;
    for err in [env, flag, file] {
        assert!(
            err.contains("demo") && err.contains("auth.issuers"),
            "unclear: {err}"
        );
        assert!(!err.contains("eyJ"), "{err}");
    }
    assert!(
        !dir.path().join("data/demo-signing-key.pem").exists(),
        "no demo key is made"
    );
}
