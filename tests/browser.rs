//! The HTML view as a person uses it (B1.4): a real headless Chromium, driven over WebDriver
//! by chromedriver, against the running blog example (`target/<profile>/examples/blog`).
//!
//! It needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them), so it is not
//! part of `cargo test --workspace`. Build the example, then run it:
//! `cargo build --features postgres,mysql --example blog &&
//! cargo test --features postgres,mysql --test browser`. The blog runs on the
//! database `RESTLESS_TEST_DATABASE_URL` names (a database of its own beside it, suffix
//! `_browser`), or on a temporary SQLite file. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/browser/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "support/database.rs"]
mod database;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process, killed when the test ends however it ends.
struct Process(Child, &'static str);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Process {
    fn start(what: &'static str, command: &mut Command) -> Self {
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what} ({command:?}): {e}"));
        Process(child, what)
    }

    /// Waits until `url` answers (any status), failing if the process exits first.
    async fn ready(&mut self, url: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = awc::Client::default();
        loop {
            if let Ok(Some(status)) = self.0.try_wait() {
                panic!("{} exited before it served: {status}", self.1);
            }
            if client.get(url).send().await.is_ok() {
                return;
            }
            assert!(Instant::now() < deadline, "{} never answered {url}", self.1);
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// The blog example's binary, beside this test's.
fn blog_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let blog = profile
        .join("examples")
        .join(format!("blog{}", std::env::consts::EXE_SUFFIX));
    let built = std::fs::metadata(&blog)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; build it with `cargo build --example blog`",
                blog.display()
            )
        });
    // An example older than the code it is built from would test yesterday's view.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in [
        "src",
        "restless-core/src",
        "restless-actix/src",
        "restless-derive/src",
        "examples/blog",
    ] {
        if let Some(newer) = newer_than(&root.join(dir), built) {
            panic!(
                "{} is older than {}: build it again with `cargo build --example blog`",
                blog.display(),
                newer.display()
            );
        }
    }
    blog
}

/// A file under `dir` changed after `time`, if any.
fn newer_than(dir: &std::path::Path, time: std::time::SystemTime) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let meta = entry.metadata().ok()?;
        if meta.is_dir() {
            if let Some(found) = newer_than(&path, time) {
                return Some(found);
            }
        } else if meta.modified().is_ok_and(|m| m > time) {
            return Some(path);
        }
    }
    None
}

/// The database the blog runs on, and the directory holding it when it is a SQLite file.
fn database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("RESTLESS_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => (database::create_database(&url, "_browser"), None),
        _ => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let path = dir.path().join("blog.db");
            (path.to_str().expect("UTF-8 path").to_owned(), Some(dir))
        }
    }
}

/// A JSON:API client's view of `url`: the document it gets.
async fn jsonapi(url: &str) -> Value {
    let mut res = awc::Client::default()
        .get(url)
        .insert_header(("Accept", "application/vnd.api+json"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert_eq!(res.status(), 200, "GET {url}");
    res.json()
        .limit(16 << 20)
        .await
        .expect("a JSON:API document")
}

async fn text(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

/// The document the page shows, as the browser renders it.
async fn shown(browser: &Client) -> Value {
    let text = text(browser, "#document").await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("the shown document ({e}): {text}"))
}

/// Waits until the browser is at a URL other than `from`, and returns it.
async fn navigated(browser: &Client, from: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = browser
            .current_url()
            .await
            .expect("current URL")
            .to_string();
        let loaded = browser
            .execute("return document.readyState", vec![])
            .await
            .expect("readyState");
        if now != from && loaded == "complete" {
            return now;
        }
        assert!(Instant::now() < deadline, "still at {from}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn screenshot(browser: &Client, name: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    let backend = match std::env::var("RESTLESS_TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => "postgres",
        Ok(url) if url.starts_with("mysql") => "mysql",
        _ => "sqlite",
    };
    let png = browser.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    std::fs::write(dir.join(format!("{name}-{backend}.png")), png).expect("write screenshot");
}

#[actix_web::test]
async fn a_person_browses_the_blog_b1_4() {
    let (url, _dir) = database();
    let port = free_port();
    let mut blog = Process::start(
        "the blog example",
        Command::new(blog_binary())
            .env("DATABASE_URL", &url)
            .env("PORT", port.to_string())
            .env("RUST_LOG", "warn"),
    );
    let origin = format!("http://127.0.0.1:{port}");
    blog.ready(&format!("{origin}/api")).await;
    let driver_port = free_port();
    let mut driver = Process::start(
        "chromedriver",
        Command::new(CHROMEDRIVER).arg(format!("--port={driver_port}")),
    );
    let webdriver = format!("http://127.0.0.1:{driver_port}");
    driver.ready(&format!("{webdriver}/status")).await;
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1100"],
        },
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let browser = ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&webdriver)
        .await
        .expect("a Chromium session");
    // The session is closed whatever happens, so no browser outlives the test.
    let walk = actix_web::rt::spawn({
        let browser = browser.clone();
        async move { browse(&browser, &origin).await }
    });
    let outcome = walk.await;
    let _ = browser.close().await;
    drop(driver);
    drop(blog);
    if let Err(failed) = outcome {
        std::panic::resume_unwind(failed.into_panic());
    }
}

async fn browse(browser: &Client, origin: &str) {
    // The collection, as a browser's address bar asks for it.
    let articles = format!("{origin}/api/article");
    browser.goto(&articles).await.expect("open /api/article");
    assert_eq!(browser.title().await.unwrap(), "200 OK · /api/article");
    assert_eq!(text(browser, "#status").await, "HTTP 200 OK");
    assert_eq!(text(browser, "#request").await, "GET /api/article");
    let doc = shown(browser).await;
    assert_eq!(
        doc,
        jsonapi(&articles).await,
        "the same document as JSON:API"
    );
    assert_eq!(doc["data"][0]["attributes"]["title"], "Hello JSON:API");
    let shown_text = text(browser, "#document").await;
    assert!(
        shown_text.contains("\"title\": \"Hello JSON:API\""),
        "{shown_text}"
    );
    let headers = text(browser, "#headers").await;
    assert!(headers.contains("application/vnd.api+json"), "{headers}");
    screenshot(browser, "article").await;

    // A `related` link, clicked, leads to the page of that URL.
    let related = format!("{origin}/api/article/1/author");
    browser
        .find(Locator::Css(&format!("#document a[href=\"{related}\"]")))
        .await
        .expect("the author's related link")
        .click()
        .await
        .expect("click");
    let at = navigated(browser, &articles).await;
    assert_eq!(at, related);
    assert_eq!(text(browser, "#request").await, "GET /api/article/1/author");
    let person = shown(browser).await;
    assert_eq!(person, jsonapi(&related).await);
    assert_eq!(person["data"]["type"], "person");
    screenshot(browser, "related").await;

    // Pages: the next control, clicked, shows the next page; the last page has no next.
    let paged = format!("{origin}/api/article?page%5Bsize%5D=2");
    browser.goto(&paged).await.expect("open page 1");
    let first = shown(browser).await;
    let next = first["links"]["next"]
        .as_str()
        .expect("a next page")
        .to_owned();
    assert!(
        browser.find(Locator::Css("span#page-prev")).await.is_ok(),
        "no previous page on page 1"
    );
    browser
        .find(Locator::Css("a#page-next"))
        .await
        .expect("the next control")
        .click()
        .await
        .expect("click next");
    let at = navigated(browser, &paged).await;
    assert_eq!(at, next);
    let second = shown(browser).await;
    assert_eq!(second, jsonapi(&next).await);
    assert_ne!(second["data"], first["data"]);
    assert!(browser.find(Locator::Css("a#page-prev")).await.is_ok());
    screenshot(browser, "page-2").await;

    // The form: include and sort typed in and submitted build the query.
    browser.goto(&articles).await.expect("open /api/article");
    for (field, value) in [("include", "author"), ("sort", "-title")] {
        let input = browser
            .find(Locator::Id(field))
            .await
            .unwrap_or_else(|e| panic!("#{field}: {e}"));
        input.clear().await.expect("clear");
        input.send_keys(value).await.expect("type");
    }
    browser
        .find(Locator::Css("#query button[type=submit]"))
        .await
        .expect("the form's button")
        .click()
        .await
        .expect("submit");
    let at = navigated(browser, &articles).await;
    let query: Vec<(String, String)> = url::Url::parse(&at)
        .expect("a URL")
        .query_pairs()
        .into_owned()
        .collect();
    assert!(query.contains(&("include".into(), "author".into())), "{at}");
    assert!(query.contains(&("sort".into(), "-title".into())), "{at}");
    let sorted = shown(browser).await;
    assert_eq!(sorted, jsonapi(&at).await);
    let titles: Vec<&str> = sorted["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attributes"]["title"].as_str().unwrap())
        .collect();
    let mut expected = titles.clone();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(titles, expected, "sorted by -title");
    assert!(sorted["included"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["type"] == "person"));
    screenshot(browser, "form").await;

    // Markup in an attribute is shown as text and never runs.
    let title = "<script>document.body.dataset.ran = 'script'</script>";
    let body = "<img src=x onerror=\"document.body.dataset.ran = 'img'\"><b>bold</b>";
    let mut res = awc::Client::default()
        .post(format!("{origin}/api/article"))
        .insert_header(("Content-Type", "application/vnd.api+json"))
        .insert_header(("Accept", "application/vnd.api+json"))
        .send_json(&json!({"data": {"type": "article",
            "attributes": {"title": title, "body": body},
            "relationships": {"author": {"data": {"type": "person", "id": "1"}}}}}))
        .await
        .expect("POST an article");
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.expect("the created article");
    let page = created["links"]["self"]
        .as_str()
        .or(created["data"]["links"]["self"].as_str())
        .expect("its URL")
        .to_owned();
    browser.goto(&page).await.expect("open the article");
    let doc = shown(browser).await;
    assert_eq!(doc["data"]["attributes"]["title"], title);
    assert_eq!(doc["data"]["attributes"]["body"], body);
    let ran = browser
        .execute(
            "return [document.body.dataset.ran || null, \
             document.querySelectorAll('#document script, #document img, #document b').length]",
            vec![],
        )
        .await
        .expect("inspect the page");
    assert_eq!(ran, json!([null, 0]), "the markup stayed text");
    screenshot(browser, "markup").await;
}
