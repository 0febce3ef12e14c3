//! Graceful shutdown (issue 13, A3.1): `ServerHandle::stop(true)` lets the requests under way
//! finish, and each write they carry commits whole; what comes after the stop is refused at
//! the door, not half served.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer};
use restless::hook::Hooks;
use restless::{PostKind, PreKind};
use serde_json::json;

use crate::common::Server;
use crate::db::Custom;

#[actix_web::test]
async fn a_graceful_stop_finishes_the_writes_under_way_a3_1() {
    // Each creation stays in its transaction a while (a post-hook runs before COMMIT, U4.1).
    let mut hooks = Hooks::default();
    // How many creations have arrived (pre-hooks run as each request is checked).
    let arrived = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&arrived);
    hooks.pre(PreKind::PostResource, move |_| {
        count.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    hooks.post(PostKind::PostResource, |_| {
        std::thread::sleep(Duration::from_millis(200));
        Ok(())
    });
    let (api, lock) = Server::custom_api(
        true,
        Custom {
            hooks,
            ..Custom::default()
        },
    );
    let served = api.clone();
    let server = HttpServer::new(move || App::new().service(served.scope()))
        .workers(1)
        .shutdown_timeout(30)
        .bind(("127.0.0.1", 0))
        .expect("a port");
    let origin = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);

    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let create = |i: usize| {
        let body = json!({"data": {"type": "tag", "attributes": {"name": format!("stop {i}")},
            "relationships": {"articles": {"data": [{"type": "article", "id": "1"},
                {"type": "article", "id": "2"}]}}}});
        let request = client
            .post(format!("{origin}/api/tag"))
            .insert_header(("Content-Type", "application/vnd.api+json"))
            .insert_header(("Accept", "application/vnd.api+json"));
        async move {
            let res = request.send_body(body.to_string()).await;
            res.map(|r| r.status().as_u16()).map_err(|e| e.to_string())
        }
    };
    // Six creations under way (two in transactions, four waiting for a connection), then the
    // stop.
    let stop = async {
        while arrived.load(Ordering::SeqCst) < 6 {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        handle.stop(true).await;
    };
    let (answers, ()) =
        futures_util::future::join(futures_util::future::join_all((0..6).map(create)), stop).await;
    running.await.expect("the server task").expect("the server");
    assert_eq!(
        answers,
        vec![Ok(201); 6],
        "every request under way was answered"
    );
    assert!(
        create(6).await.is_err(),
        "a request after the stop is refused"
    );

    // Each acknowledged creation is there whole: the tag and both of its links.
    let srv = Server::serve_scope(move || api.scope(), lock);
    let res = srv
        .get("/api/tag?filter%5Bobjects%5D=%5B%7B%22name%22%3A%22name%22%2C%22op%22%3A%22like%22%2C%22val%22%3A%22stop%20%25%22%7D%5D&include=articles")
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let doc = res.json();
    assert_eq!(doc["meta"]["total"], json!(6));
    for tag in doc["data"].as_array().unwrap() {
        assert_eq!(
            tag["relationships"]["articles"]["data"],
            json!([{"type": "article", "id": "1"}, {"type": "article", "id": "2"}]),
            "{tag}"
        );
    }
}
