//! Mounting the API anywhere in an application (C3.1, issue 10): inside `web::scope`, through
//! `configure`, under dynamic scope segments and the application's own middleware. Routing sees
//! only the path under the mount point; links keep the path the request arrived under. Also the
//! link authority: `Host`, never forwarded headers unless trusted.

use actix_web::{middleware::DefaultHeaders, web, App};
use serde_json::json;

use crate::common::fixture::ro_at;
use crate::common::{error_doc, Server, CATALOG};
use crate::db::{BlogApi, Options};

/// A single resource and the root under `mount`, compared as whole documents.
async fn assert_served_under(srv: &Server, mount: &str) {
    let base = format!("http://localhost:8080{mount}/api");
    let res = srv.get(&format!("{mount}/api/tag/1")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.json(),
        json!({"data": ro_at(&base, "tag", 1), "links": {"self": format!("{base}/tag/1")},
            "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get(&format!("{mount}/api")).await;
    assert_eq!(res.status, 200);
    let info = |t: &str| json!({"primarykey": "id", "url": format!("{base}/{t}")});
    assert_eq!(
        res.json(),
        json!({"data": null, "links": {"self": base},
            "meta": {"modelinfo": {"article": info("article"), "comment": info("comment"),
                "person": info("person"), "tag": info("tag")}},
            "jsonapi": {"version": "1.0"}})
    );
    let res = srv.get(&format!("{mount}/api/nothing")).await;
    assert_eq!(res.status, 404);
    assert_eq!(
        res.json(),
        error_doc(
            json!({"status": "404", "code": "route_not_found", "title": "Not found",
            "detail": format!("No endpoint matches {mount}/api/nothing.")})
        )
    );
}

#[actix_web::test]
async fn inside_a_scope_c3_1() {
    let api = Server::blog(CATALOG);
    let srv = Server::started(actix_test::start(move || {
        App::new().service(web::scope("/v1").service(api.scope()))
    }))
    .described_at("/v1/api/openapi.json");
    assert_served_under(&srv, "/v1").await;
    assert!(
        srv.described_exchanges() > 0,
        "checked against the mounted description"
    );
    // The API answers nothing outside its mount point.
    let outside = srv
        .send_unchecked(actix_web::http::Method::GET, "/api/tag/1", &[], vec![])
        .await;
    assert_eq!(outside.status, 404);
}

#[actix_web::test]
async fn through_configure_in_nested_scopes_c3_1() {
    let api = Server::blog(CATALOG);
    let srv = Server::started(actix_test::start(move || {
        let api = api.clone();
        App::new().service(
            web::scope("/v1").service(web::scope("/public").configure(move |cfg| match &api {
                BlogApi::Sqlite(api) => (api.configure())(cfg),
                #[cfg(feature = "postgres")]
                BlogApi::Postgres(api) => (api.configure())(cfg),
                #[cfg(feature = "mysql")]
                BlogApi::Mysql(api) => (api.configure())(cfg),
            })),
        )
    }))
    .described_at("/v1/public/api/openapi.json");
    assert_served_under(&srv, "/v1/public").await;
}

#[actix_web::test]
async fn under_a_dynamic_segment_and_middleware_c3_1() {
    let api = Server::blog(CATALOG);
    let srv = Server::started(actix_test::start(move || {
        App::new()
            .wrap(DefaultHeaders::new().add(("X-App", "blog")))
            .service(
                web::scope("/tenant/{tenant}")
                    .wrap(DefaultHeaders::new().add(("X-Scope", "tenant")))
                    .service(api.scope()),
            )
    }))
    .described_at("/tenant/acme/api/openapi.json");
    assert_served_under(&srv, "/tenant/acme").await;
    assert_served_under(&srv, "/tenant/a%2Fb").await;
    let res = srv.get("/tenant/acme/api/person/1").await;
    assert_eq!(res.header("x-app"), Some("blog"));
    assert_eq!(res.header("x-scope"), Some("tenant"));
}

#[actix_web::test]
async fn beside_other_routes_c3_1() {
    let api = Server::blog(CATALOG);
    let srv = Server::started(actix_test::start(move || {
        App::new()
            .route("/health", web::get().to(|| async { "ok" }))
            .service(web::scope("/v2").service(api.scope()))
    }))
    .described_at("/v2/api/openapi.json");
    assert_served_under(&srv, "/v2").await;
    let res = srv
        .send_unchecked(actix_web::http::Method::GET, "/health", &[], vec![])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body, "ok");
}

fn from_request(trust_forwarded_headers: bool) -> Server {
    let api = Server::blog(Options {
        base_url: None,
        trust_forwarded_headers,
        ..CATALOG
    });
    Server::started(actix_test::start(move || {
        App::new().service(web::scope("/v1").service(api.scope()))
    }))
    .described_at("/v1/api/openapi.json")
}

async fn self_link(srv: &Server, headers: &[(&str, &str)]) -> String {
    let mut all = vec![("Accept", "application/vnd.api+json")];
    all.extend_from_slice(headers);
    let res = srv
        .request(actix_web::http::Method::GET, "/v1/api/tag/1", &all)
        .await;
    assert_eq!(res.status, 200);
    res.json()["links"]["self"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn forwarded_headers_are_ignored_unless_trusted_c3_1() {
    let srv = from_request(false);
    let forwarded = [
        ("Host", "api.example.org"),
        ("Forwarded", "host=evil.example;proto=https"),
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
    ];
    assert_eq!(
        self_link(&srv, &forwarded).await,
        "http://api.example.org/v1/api/tag/1"
    );
    let srv = from_request(true);
    assert_eq!(
        self_link(&srv, &forwarded).await,
        "https://evil.example/v1/api/tag/1"
    );
    assert_eq!(
        self_link(
            &srv,
            &[
                ("Host", "api.example.org"),
                ("X-Forwarded-Host", "proxy.example:8443"),
                ("X-Forwarded-Proto", "https")
            ]
        )
        .await,
        "https://proxy.example:8443/v1/api/tag/1"
    );
}

#[actix_web::test]
async fn a_malformed_host_gives_way_to_the_bound_address_c3_1() {
    let srv = from_request(false);
    let bound = srv.origin();
    for host in ["evil.example/x?y", "user@evil.example", "a b", "[::1"] {
        assert_eq!(
            self_link(&srv, &[("Host", host)]).await,
            format!("{bound}/v1/api/tag/1"),
            "{host}"
        );
    }
    assert_eq!(
        self_link(&srv, &[("Host", "[::1]:9000")]).await,
        "http://[::1]:9000/v1/api/tag/1"
    );
}

/// A created resource's `Location` and links follow the same authority as every link: spoofed
/// forwarding headers change nothing unless trusted (C3.1).
#[actix_web::test]
async fn location_ignores_forwarded_headers_unless_trusted_c3_1() {
    for trusted in [false, true] {
        let lock = Server::lock_writes();
        let options = Options {
            seed: true,
            reset: true,
            base_url: None,
            writes: true,
            trust_forwarded_headers: trusted,
            ..Options::default()
        };
        let api =
            crate::db::open(crate::common::write_url(), options, 2).expect("the write database");
        let srv = Server::started_with(
            actix_test::start(move || App::new().service(api.scope())),
            Some(lock),
        );
        let res = srv
            .send(
                actix_web::http::Method::POST,
                "/api/tag",
                &[
                    ("Accept", "application/vnd.api+json"),
                    ("Content-Type", "application/vnd.api+json"),
                    ("Host", "api.example.org"),
                    ("Forwarded", "host=evil.example;proto=https"),
                    ("X-Forwarded-Host", "evil.example"),
                    ("X-Forwarded-Proto", "https"),
                ],
                json!({"data": {"type": "tag", "attributes": {"name": "spoof"}}})
                    .to_string()
                    .into_bytes(),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
        let origin = match trusted {
            false => "http://api.example.org",
            true => "https://evil.example",
        };
        let location = format!("{origin}/api/tag/4");
        assert_eq!(
            res.header("location"),
            Some(location.as_str()),
            "trusted: {trusted}"
        );
        assert_eq!(res.json()["data"]["links"]["self"], json!(location));
    }
}
