//! The load harness (issue 12): the release blog example (restless) and the hand-written
//! actix-web + Diesel baseline (`benches/baseline/`), each started out of process on the
//! bench-scale data set (`--seed bench`), checked to answer alike, then loaded with Debian's
//! `wrk` side by side, alternating the servers over several rounds.
//!
//! `cargo bench --bench load` (installs `wrk` with apt when missing). With `-- --callgrind`
//! it counts instead the instructions each server runs per request, under valgrind's
//! callgrind (installed with apt when missing; `CALLGRIND_REQUESTS`, 200, requests per
//! scenario after `CALLGRIND_WARMUP`, 20). Environment:
//! `DATABASE_URL` (default: a fresh SQLite file; `postgres://...` benches PostgreSQL, built with
//! the `postgres` feature), `LOAD_ROUNDS` (3), `LOAD_SECONDS` (10), `LOAD_THREADS` (2),
//! `LOAD_CONNECTIONS` (32), `LOAD_SCENARIOS` (e.g. `S1,S6`; default all). It prints, per scenario, the median requests/s of each server,
//! p50/p99 latency, non-2xx answers, SQL statements per request (restless's `Server-Timing`),
//! and the restless/baseline ratio, then each server's peak RSS. Nothing here asserts a speed.

#![allow(
    missing_docs,
    unreachable_pub,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark binary"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark binary: any failure ends the run"
)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One scenario: a name, the request, and whether the baseline serves it.
struct Scenario {
    name: &'static str,
    method: &'static str,
    path: &'static str,
    body: Option<&'static str>,
    baseline: bool,
    /// Pages spread over the whole collection instead of `path` (issue 15).
    deep: Option<Deep>,
}

/// How a deep-page scenario reaches its pages: every page of articles, 10 to a page, in
/// random order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Deep {
    /// `page[number]=<n>`: the database reads and discards the rows before the page.
    Numbers,
    /// `page[after]=<cursor of the row before the page>`: it starts at the page (I6).
    Cursors,
}

/// S6 comments on an article no other scenario reads, so that a database used for a run
/// before answers the reads alike.
const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "S1 GET /api/article/7",
        method: "GET",
        path: "/api/article/7",
        body: None,
        baseline: true,
        deep: None,
    },
    Scenario {
        name: "S2 page of 10",
        method: "GET",
        path: "/api/article",
        body: None,
        baseline: true,
        deep: None,
    },
    Scenario {
        name: "S3 page + include=author,comments",
        method: "GET",
        path: "/api/article?include=author,comments",
        body: None,
        baseline: true,
        deep: None,
    },
    Scenario {
        name: "S5 page of 100",
        method: "GET",
        path: "/api/article?page[size]=100",
        body: None,
        baseline: true,
        deep: None,
    },
    Scenario {
        name: "S6 POST /api/comment",
        method: "POST",
        path: "/api/comment",
        body: Some(
            r#"{"data":{"type":"comment","attributes":{"content":"load"},"relationships":{"article":{"data":{"type":"article","id":"5000"}}}}}"#,
        ),
        baseline: true,
        deep: None,
    },
    Scenario {
        name: "S7 deep pages by number",
        method: "GET",
        path: "/api/article?page[number]=900",
        body: None,
        baseline: false,
        deep: Some(Deep::Numbers),
    },
    Scenario {
        name: "S8 deep pages by cursor",
        method: "GET",
        path: "/api/article?page[after]=",
        body: None,
        baseline: false,
        deep: Some(Deep::Cursors),
    },
];

/// The articles' pages of 10 (the bench-scale data set has 10,000 articles).
const DEEP_PAGE: usize = 10;

/// The path of every page of articles, 10 to a page, from the first to the last: by number,
/// or by the cursor of the previous page's last row (walking the collection once).
fn deep_paths(port: u16, deep: Deep) -> Vec<String> {
    let mut paths = Vec::new();
    match deep {
        Deep::Numbers => {
            let doc: Value = serde_json::from_str(
                &request(port, "GET", "/api/article?page%5Bsize%5D=1", None)
                    .expect("the server answers")
                    .body,
            )
            .expect("a document");
            let total = doc["meta"]["total"].as_u64().expect("meta.total") as usize;
            for n in 1..=total.div_ceil(DEEP_PAGE) {
                paths.push(format!(
                    "/api/article?page%5Bnumber%5D={n}&page%5Bsize%5D={DEEP_PAGE}"
                ));
            }
        }
        Deep::Cursors => {
            let mut path = format!("/api/article?page%5Bafter%5D=&page%5Bsize%5D={DEEP_PAGE}");
            loop {
                let res = request(port, "GET", &path, None).expect("the server answers");
                assert_eq!(res.status, 200, "{path}: {}", res.body);
                let doc: Value = serde_json::from_str(&res.body).expect("a document");
                paths.push(path);
                match doc["links"]["next"].as_str() {
                    Some(next) => {
                        path = next
                            .split_once("/api/")
                            .map(|(_, rest)| format!("/api/{rest}"))
                            .expect("a link under /api/");
                    }
                    None => break,
                }
            }
        }
    }
    paths
}

/// A wrk script that asks for one of `paths` at random per request.
fn random_paths_script(paths: &[String]) -> String {
    let list: Vec<String> = paths.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "local paths = {{{}}}\nrequest = function()\n  return wrk.format(nil, paths[math.random(#paths)])\nend\n",
        list.join(",")
    )
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A server process, killed when dropped.
struct Server {
    name: &'static str,
    port: u16,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(name: &'static str, binary: &Path, port: u16, url: &str, args: &[&str]) -> Server {
        Server::start_in(name, &[], binary, port, url, args)
    }

    /// Starts `binary` under `wrapper` (e.g. valgrind and its options), if any.
    fn start_in(
        name: &'static str,
        wrapper: &[String],
        binary: &Path,
        port: u16,
        url: &str,
        args: &[&str],
    ) -> Server {
        let mut command = match wrapper.split_first() {
            Some((program, options)) => {
                let mut c = Command::new(program);
                c.args(options).arg(binary);
                c
            }
            None => Command::new(binary),
        };
        let child = command
            .args(args)
            .env("DATABASE_URL", url)
            .env("PORT", port.to_string())
            .env("RESTLESS_SERVER_TIMING", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
        let server = Server { name, port, child };
        let start = Instant::now();
        while request(port, "GET", "/api/article/1", None).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "{name} did not start"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    /// Peak resident memory in MiB (`VmHWM`).
    fn peak_rss(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
}

/// A response: status, headers (lower-case names) and body.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request over a fresh connection (no client library between us and the
/// servers).
fn request(port: u16, method: &str, path: &str, body: Option<&str>) -> std::io::Result<Response> {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
    // Long enough for a request under valgrind.
    stream.set_read_timeout(Some(Duration::from_secs(300)))?;
    let body = body.unwrap_or("");
    let content_type = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/vnd.api+json\r\n".into()
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/vnd.api+json\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}

/// The JSON of a body with the server's own origin replaced, and a created resource's id
/// (which differs between two servers), for comparing two servers; and the `Location`
/// header likewise.
fn normalized(res: &Response, port: u16) -> (Value, Option<String>) {
    let mut text = res
        .body
        .replace(&format!("http://127.0.0.1:{port}"), "http://SERVER");
    let mut location = res
        .header("location")
        .map(|l| l.replace(&format!("http://127.0.0.1:{port}"), "http://SERVER"));
    if res.status == 201 {
        let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if let (Some(t), Some(id)) = (doc["data"]["type"].as_str(), doc["data"]["id"].as_str()) {
            let (from, to) = (format!("/{t}/{id}"), format!("/{t}/ID"));
            text = text
                .replace(&from, &to)
                .replace(&format!("\"id\":\"{id}\""), "\"id\":\"ID\"");
            location = location.map(|l| l.replace(&from, &to));
        }
    }
    (serde_json::from_str(&text).unwrap_or(Value::Null), location)
}

/// The JSON pointer of the first place where `a` and `b` differ, with both values there.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| {
                let (u, v) = (x.get(k), y.get(k));
                match (u, v) {
                    (Some(u), Some(v)) => first_difference(u, v, format!("{at}/{k}")),
                    _ => Some(format!("{at}/{k}: {u:?} / {v:?}")),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(u, v, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} / {b}")),
    }
}

/// What one `wrk` run measured.
#[derive(Clone, Copy, Default)]
struct Run {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
}

fn millis(text: &str) -> f64 {
    let text = text.trim();
    let (number, factor) = if let Some(v) = text.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = text.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = text.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().unwrap_or(0.0) * factor
}

fn wrk(port: u16, scenario: &Scenario, seconds: u64, script: &Path) -> Run {
    let threads = env_or("LOAD_THREADS", 2);
    let connections = env_or("LOAD_CONNECTIONS", 32);
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency")
        .arg("-H")
        .arg("Accept: application/vnd.api+json");
    if scenario.body.is_some() || scenario.deep.is_some() {
        cmd.arg("-s").arg(script);
    }
    let url = format!(
        "http://127.0.0.1:{port}{}",
        scenario.path.replace('[', "%5B").replace(']', "%5D")
    );
    let out = cmd.arg(url).output().expect("wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut run = Run::default();
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            run.rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("50%") {
            run.p50_ms = millis(v);
        } else if let Some(v) = line.strip_prefix("99%") {
            run.p99_ms = millis(v);
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            run.non_2xx = v.trim().parse().unwrap_or(0);
        }
    }
    run
}

fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.rps.total_cmp(&b.rps));
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

/// Installs Debian's package `package` when `program` is not on the path.
fn ensure(program: &str, package: &str) {
    if Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok()
    {
        return;
    }
    eprintln!("installing {package} (Debian's package)");
    let ok = Command::new("apt-get")
        .args(["install", "-y", "-qq", package])
        .status();
    if !ok.is_ok_and(|s| s.success()) {
        let _ = Command::new("apt-get").args(["update", "-qq"]).status();
        let status = Command::new("apt-get")
            .args(["install", "-y", "-qq", package])
            .status()
            .expect("apt-get");
        assert!(status.success(), "{package} could not be installed");
    }
}

/// Builds the release blog example and the baseline; their paths.
fn build(postgres: bool) -> (PathBuf, PathBuf) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--release",
        "--example",
        "blog",
        "--example",
        "baseline",
    ]);
    if postgres {
        cmd.args(["--features", "postgres"]);
    }
    let status = cmd.status().expect("cargo build");
    assert!(status.success(), "the release build failed");
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let examples = target.join("release").join("examples");
    (examples.join("blog"), examples.join("baseline"))
}

/// `--callgrind`: instructions per request of each server and scenario under valgrind's
/// callgrind, which counts the same on a busy machine as on an idle one. Each server runs
/// alone; per scenario, a warm-up, the counters zeroed (`callgrind_control -z`), then
/// `CALLGRIND_REQUESTS` (200) requests one after another, the counters dumped and divided.
fn callgrind(blog: &Path, baseline: &Path, url: &str, dir: &Path, scenarios: &[&Scenario]) {
    let n = env_or("CALLGRIND_REQUESTS", 200).max(1);
    let warmup = env_or("CALLGRIND_WARMUP", 20);
    // The data set, seeded at full speed.
    drop(Server::start(
        "restless",
        blog,
        18_101,
        url,
        &["--seed", "bench"],
    ));
    println!(
        "callgrind: {} (bench-scale data set), instructions per request over {n} sequential requests after a warm-up",
        if url.starts_with("postgres") { "PostgreSQL" } else { "SQLite" }
    );
    let mut counts: Vec<[Option<f64>; 2]> = vec![[None, None]; scenarios.len()];
    for (which, (name, binary, port)) in
        [("restless", blog, 18_101), ("baseline", baseline, 18_102)]
            .into_iter()
            .enumerate()
    {
        let out = dir.join(format!("callgrind.{name}"));
        let wrapper = vec![
            "valgrind".to_owned(),
            "--tool=callgrind".to_owned(),
            "-q".to_owned(),
            format!("--callgrind-out-file={}", out.display()),
        ];
        let server = Server::start_in(name, &wrapper, binary, port, url, &["--no-seed"]);
        let pid = server.child.id().to_string();
        for (k, scenario) in scenarios.iter().enumerate() {
            if which == 1 && !scenario.baseline {
                continue;
            }
            // A deep scenario asks for the page at nine tenths of the collection.
            let path = match scenario.deep {
                Some(deep) => {
                    let paths = deep_paths(port, deep);
                    paths[paths.len() * 9 / 10].clone()
                }
                None => scenario.path.to_owned(),
            };
            let send = || {
                let res = request(port, scenario.method, &path, scenario.body)
                    .expect("the server answers");
                assert!((200..300).contains(&res.status), "{name}: {}", res.status);
            };
            for _ in 0..warmup {
                send();
            }
            let control = |flag: &str| {
                let status = Command::new("callgrind_control")
                    .args([flag, &pid])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .expect("callgrind_control");
                assert!(status.success(), "callgrind_control {flag} failed");
            };
            control("-z");
            for _ in 0..n {
                send();
            }
            let before = dumps(dir, name);
            control("-d");
            let file = dumps(dir, name)
                .into_iter()
                .find(|f| !before.contains(f))
                .expect("a new callgrind dump");
            counts[k][which] = Some(instructions(&file) as f64 / n as f64);
        }
    }
    println!(
        "{:<36} {:>14} {:>14} {:>6}",
        "scenario", "restless Ir/req", "baseline Ir/req", "ratio"
    );
    for (scenario, [r, b]) in scenarios.iter().zip(counts) {
        let show = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.0}"));
        let ratio = match (r, b) {
            (Some(r), Some(b)) => format!("{:.2}", r / b),
            _ => "-".into(),
        };
        println!(
            "{:<36} {:>14} {:>14} {:>6}",
            scenario.name,
            show(r),
            show(b),
            ratio
        );
    }
}

/// The callgrind dumps of server `name` in `dir`.
fn dumps(dir: &Path, name: &str) -> Vec<PathBuf> {
    let prefix = format!("callgrind.{name}");
    std::fs::read_dir(dir)
        .expect("the temporary directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .collect()
}

/// The instructions a callgrind dump counted (its `summary:` or `totals:` line).
fn instructions(file: &Path) -> u64 {
    let text = std::fs::read_to_string(file).expect("the callgrind dump");
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("a total in the callgrind dump")
}

fn main() {
    let rounds = env_or("LOAD_ROUNDS", 3).max(1);
    let seconds = env_or("LOAD_SECONDS", 10).max(1);
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| dir.path().join("bench.db").to_string_lossy().into_owned());
    let postgres = url.starts_with("postgres");
    let only = std::env::var("LOAD_SCENARIOS").unwrap_or_default();
    let chosen = |s: &Scenario| {
        only.is_empty()
            || only
                .split(',')
                .any(|w| s.name.split(' ').next() == Some(w.trim()))
    };
    let scenarios: Vec<&Scenario> = SCENARIOS.iter().filter(|s| chosen(s)).collect();
    if std::env::args().any(|a| a == "--callgrind") {
        ensure("valgrind", "valgrind");
        let (blog, baseline) = build(postgres);
        callgrind(&blog, &baseline, &url, dir.path(), &scenarios);
        return;
    }
    ensure("wrk", "wrk");
    let (blog, baseline) = build(postgres);
    // restless first: it creates and seeds the schema on first start.
    let restless = Server::start("restless", &blog, 18_101, &url, &["--seed", "bench"]);
    let hand = Server::start("baseline", &baseline, 18_102, &url, &[]);
    let script = dir.path().join("post.lua");

    println!(
        "load: {} (bench-scale data set), wrk -t{} -c{}, {rounds} rounds of {seconds} s, medians",
        if postgres { "PostgreSQL" } else { "SQLite" },
        env_or("LOAD_THREADS", 2),
        env_or("LOAD_CONNECTIONS", 32)
    );
    println!(
        "{:<36} {:>10} {:>10} {:>6} {:>15} {:>15} {:>11} {:>6}",
        "scenario",
        "restless/s",
        "baseline/s",
        "ratio",
        "p50/p99 ms (r)",
        "p50/p99 ms (b)",
        "non-2xx r/b",
        "stmts"
    );
    // Each scenario's median requests/s, for the deep pages' ratios to the first page.
    let mut first_and_deep: Vec<(&str, f64)> = Vec::new();
    for scenario in scenarios {
        // Both answer alike before either is measured.
        let ours = request(restless.port, scenario.method, scenario.path, scenario.body)
            .expect("restless answers");
        assert!(
            (200..300).contains(&ours.status),
            "{}: restless answered {}: {}",
            scenario.name,
            ours.status,
            ours.body
        );
        if scenario.baseline {
            let theirs = request(hand.port, scenario.method, scenario.path, scenario.body)
                .expect("the baseline answers");
            assert_eq!(ours.status, theirs.status, "{}", scenario.name);
            assert_eq!(
                ours.header("content-type"),
                theirs.header("content-type"),
                "{}",
                scenario.name
            );
            let (a, b) = (
                normalized(&ours, restless.port),
                normalized(&theirs, hand.port),
            );
            assert_eq!(a.1, b.1, "{}: the Location headers differ", scenario.name);
            if let Some(at) = first_difference(&a.0, &b.0, String::new()) {
                panic!("{}: the documents differ at {at}", scenario.name);
            }
        }
        let statements = ours
            .header("server-timing")
            .and_then(|v| v.split("desc=\"").nth(1))
            .and_then(|v| v.split(' ').next())
            .unwrap_or("-")
            .to_owned();
        if let Some(deep) = scenario.deep {
            let paths = deep_paths(restless.port, deep);
            std::fs::write(&script, random_paths_script(&paths)).expect("wrk script");
        }
        if let Some(body) = scenario.body {
            std::fs::write(
                &script,
                format!(
                    "wrk.method = \"{}\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/vnd.api+json\"\n",
                    scenario.method
                ),
            )
            .expect("wrk script");
        }
        let servers: Vec<&Server> = if scenario.baseline {
            vec![&restless, &hand]
        } else {
            vec![&restless]
        };
        let mut runs: Vec<Vec<Run>> = vec![Vec::new(); servers.len()];
        for round in 0..rounds {
            // Alternate which server goes first.
            let order: Vec<usize> = if round % 2 == 0 {
                (0..servers.len()).collect()
            } else {
                (0..servers.len()).rev().collect()
            };
            for i in order {
                runs[i].push(wrk(servers[i].port, scenario, seconds, &script));
            }
        }
        let medians: Vec<Run> = runs.into_iter().map(median).collect();
        let r = medians[0];
        let (b, ratio) = match medians.get(1) {
            Some(b) => (
                format!("{:.0}", b.rps),
                format!("{:.2}", r.rps / b.rps.max(f64::MIN_POSITIVE)),
            ),
            None => ("-".into(), "-".into()),
        };
        let b_latency = medians
            .get(1)
            .map_or("-".into(), |b| format!("{:.1}/{:.1}", b.p50_ms, b.p99_ms));
        let non_2xx = medians
            .iter()
            .map(|m| m.non_2xx.to_string())
            .collect::<Vec<_>>()
            .join("/");
        first_and_deep.push((scenario.name, r.rps));
        println!(
            "{:<36} {:>10.0} {:>10} {:>6} {:>15} {:>15} {:>11} {:>6}",
            scenario.name,
            r.rps,
            b,
            ratio,
            format!("{:.1}/{:.1}", r.p50_ms, r.p99_ms),
            b_latency,
            non_2xx,
            statements
        );
    }
    // Deep pages against the first page (S2, the same page size), restless alone.
    let rps = |prefix: &str| {
        first_and_deep
            .iter()
            .find(|(name, _)| name.split(' ').next() == Some(prefix))
            .map(|(_, rps)| *rps)
    };
    if let Some(first) = rps("S2") {
        for (prefix, what) in [("S7", "by number"), ("S8", "by cursor")] {
            if let Some(deep) = rps(prefix) {
                println!(
                    "deep pages {what} / first page: {:.2}",
                    deep / first.max(f64::MIN_POSITIVE)
                );
            }
        }
    }
    for server in [&restless, &hand] {
        println!("peak RSS {}: {:.1} MiB", server.name, server.peak_rss());
    }
}
